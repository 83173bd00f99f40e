"""Bulk Create and Send reminders from the Signatures page, reporting per learner what each did.

A bulk action runs as a file export task of the reporting app (kind ``compliance-bulk``), as the
administrator who asked for it: creating a document renders its PDF with WeasyPrint, which takes
a good part of a second, so a hundred of them would outlast a request (DESIGN.md §10). The task
writes the report, one CSV row per ticked row, which the report page shows and offers as a file;
the job's row carries the progress, the heartbeat and the retry policy of every background job.
Run again after its worker died, a Create skips what it already made; reminders may go twice.

One learner's failure is reported on their line and never stops the others (DESIGN.md §10).
"""

import csv
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from aptem.csv_export import TRAILER_MARK, csv_chunks
from programmes.models import Enrolment
from reporting.exports import ExportKind, register
from reporting.models import FileExport
from reporting.tasks import file_export_start
from users.models import User

from . import services, signatures
from .models import ComplianceDocument, DocumentType

logger = logging.getLogger(__name__)

KIND = "compliance-bulk"
PERMISSION = "compliance.mass_process"
ACTION_LABELS = {"create": "Create", "remind": "Send reminders"}
REPORT_HEADER = ["Learner", "Document", "Done", "What happened"]


@dataclass(frozen=True)
class Outcome:
    learner: str
    document_type: str
    done: bool
    what: str


def _targets(pairs: list[tuple[int, int]], actor: User):
    """The ticked rows the actor may still act on: current enrolments of learners in their
    scope whose programme requires the type. Two queries."""
    enrolments = (
        Enrolment.objects.filter(
            pk__in={e for e, _ in pairs},
            is_current=True,
            learner__in=User.objects.visible_to(actor),
        )
        .select_related("learner", "programme")
        .prefetch_related("programme__compliance_requirements")
        .in_bulk()
    )
    types = DocumentType.objects.in_bulk({t for _, t in pairs})
    for enrolment_pk, type_pk in pairs:
        enrolment, kind = enrolments.get(enrolment_pk), types.get(type_pk)
        required = enrolment is not None and any(
            r.document_type_id == type_pk for r in enrolment.programme.compliance_requirements.all()
        )
        yield enrolment if required else None, kind


def _create(enrolment: Enrolment, kind: DocumentType, actor: User) -> tuple[bool, str]:
    existing = services.latest(enrolment, kind)
    if existing is not None:
        return False, f"skipped because one exists already ({existing.get_status_display()})"
    try:
        document = services.compliance_document_create(
            enrolment=enrolment, document_type=kind, actor=actor
        )
    except services.CannotCreate as exc:
        return False, f"skipped because {str(exc)[0].lower()}{str(exc)[1:]}"
    return True, f"created version {document.number}"


def _remind(enrolment: Enrolment, kind: DocumentType, actor: User) -> tuple[bool, str]:
    existing = services.latest(enrolment, kind)
    if existing is None or existing.status not in ComplianceDocument.NEEDS_SIGNATURES:
        return False, "skipped because it does not need signatures"
    return signatures.remind(existing, actor=actor)


ACTIONS = {"create": _create, "remind": _remind}


def run_each(action: str, pairs: list[tuple[int, int]], *, actor: User) -> Iterator[Outcome]:
    """What ``action`` did for each ticked row, in order, as it is done."""
    for enrolment, kind in _targets(pairs, actor):
        if enrolment is None or kind is None:
            yield Outcome(
                "A learner",
                kind.name if kind else "A document",
                False,
                "skipped because it is no longer in your list",
            )
            continue
        try:
            done, what = ACTIONS[action](enrolment, kind, actor)
        except Exception as error:  # one learner's bad data never stops the others
            logger.exception("Bulk %s failed for enrolment %s", action, enrolment.pk)
            done, what = False, f"failed ({type(error).__name__}: {str(error)[:200]})"
        yield Outcome(enrolment.learner.full_name, kind.name, done, what)


def bulk_start(*, action: str, pairs: list[tuple[int, int]], actor: User) -> FileExport:
    """Queue ``action`` for the ticked ``pairs`` (enrolment pk, document type pk)."""
    count = len(pairs)
    label = f"Signatures: {ACTION_LABELS[action]}, {count} document{'' if count == 1 else 's'}"
    parameters = {"action": action, "rows": [list(pair) for pair in pairs]}
    return file_export_start(
        actor=actor, kind=KIND, label=label, parameters=parameters, rows_total=count
    )


def write_report(job: FileExport, out: BinaryIO, progress: Callable[[int], None]) -> int:
    """Do the job's action row by row, writing the report; returns the rows reported."""
    pairs = [(int(e), int(t)) for e, t in job.parameters["rows"]]
    outcomes = run_each(job.parameters["action"], pairs, actor=job.created_by)

    def rows():
        yield REPORT_HEADER
        for done, outcome in enumerate(outcomes, start=1):
            yield [
                outcome.learner,
                outcome.document_type,
                "yes" if outcome.done else "no",
                outcome.what,
            ]
            progress(done)

    for piece in csv_chunks(rows(), rows_per_chunk=1):
        out.write(piece.encode())
    return len(pairs)


def read_report(job: FileExport) -> list[Outcome]:
    """The outcomes of a finished job, read back from its report for the page."""
    with job.file.open("rb") as handle:
        text = handle.read().decode()
    lines = list(csv.reader(io.StringIO(text)))[1:]
    return [
        Outcome(learner, document, done == "yes", what)
        for learner, document, done, what, *_ in (line + [""] * 4 for line in lines)
        if not learner.startswith(TRAILER_MARK)
    ]


register(
    ExportKind(
        kind=KIND,
        label="Signatures: bulk action report",
        permission=PERMISSION,
        count=lambda viewer, parameters, cap: len(parameters["rows"]),
        write=write_report,
        # The actions are on each learner's trail; the report's download on the actor's own.
        access_record=lambda viewer, parameters: viewer,
        file_prefix=lambda parameters: f"signatures-{parameters['action']}",
    )
)
