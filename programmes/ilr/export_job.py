"""ILR export: the batch export job behind Manage ILRs (scope, serial numbers, checking every
learner, writing, validating and storing the file, marking the learners) and the single
learner's file, which runs the same checks."""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.services import bulk_log_changes
from programmes.models import Enrolment
from users.models import Group, User

from . import notifications, rules
from .data import learner_values, with_ilr_children
from .models import IlrExport, IlrLearner
from .xml_file import (
    CURRENT,
    FORMATS,
    FileInfo,
    IlrFormat,
    file_info,
    schema_errors,
    write_file,
)

logger = logging.getLogger(__name__)

# Learners loaded, checked and marked per round: memory stays flat however many there are.
CHUNK = 500

# --- Loading many learners fast ---------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or value == "" or value is False


def _rows(model, ids: list[int], fk: str | None) -> list[tuple[int, int, dict]]:
    """(parent id, own pk, own element values) for every ``model`` row under ``ids``."""
    attnames = [model._meta.get_field(name).attname for _, name in model.ILR_ELEMENTS]
    queryset = model.objects.filter(**{f"{fk or 'pk'}__in": ids})
    ordering = model._meta.ordering if fk else ["pk"]
    rows = queryset.order_by(*(ordering or ["pk"])).values_list(fk or "pk", "pk", *attnames)
    elements = [element for element, _ in model.ILR_ELEMENTS]
    out = []
    for parent, pk, *raw in rows:
        values = {
            e: (1 if v is True else v) for e, v in zip(elements, raw, strict=True) if not _blank(v)
        }
        out.append((parent, pk, values))
    return out


def _tree(model, rows: list[tuple[int, int, dict]]) -> None:
    """Attach every child of ``rows`` (recursively) to their values, in schema order."""
    by_pk = {pk: values for _, pk, values in rows}
    for element, related_name, single in getattr(model, "ILR_CHILDREN", ()):
        relation = model._meta.get_field(related_name)
        children = _rows(relation.related_model, list(by_pk), relation.field.attname)
        _tree(relation.related_model, children)
        for parent, _, values in children:
            if single:
                by_pk[parent][element] = values
            else:
                by_pk[parent].setdefault(element, []).append(values)


def many_learner_values(pks: list[int]) -> dict[int, dict]:
    """``data.learner_values`` for many ILRs at once, read as plain rows (no model instances),
    one query per ILR entity. The export uses it for speed; a test proves it gives exactly
    what ``learner_values`` gives."""
    rows = _rows(IlrLearner, pks, None)
    _tree(IlrLearner, rows)
    return {pk: values for _, pk, values in rows}


# --- Scope ----------------------------------------------------------------------------------


def ilrs_in_scope(viewer: User, year: str) -> models.QuerySet[IlrLearner]:
    """The ILRs Manage ILRs lists and exports for ``viewer`` and ``year``.

    An ILR is in scope when its learner is visible to the viewer (their groups, or every group
    with users.view_all_groups), its episode is not Excluded, and the learner's current
    enrolment, or an enrolment one of the ILR's aims records, is on a programme with the ILR
    enabled.
    """
    enabled_current = Enrolment.objects.filter(
        learner_id=OuterRef("learner_id"), is_current=True, programme__ilr_enabled=True
    )
    enabled_linked = Enrolment.objects.filter(
        ilr_aims__ilr_id=OuterRef("pk"), programme__ilr_enabled=True
    )
    return (
        IlrLearner.objects.filter(
            collection_year=year,
            learner__in=User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER),
        )
        .exclude(episode_status=IlrLearner.EpisodeStatus.EXCLUDED)
        .filter(Q(Exists(enabled_current)) | Q(Exists(enabled_linked)))
    )


VERIFIED = (IlrLearner.EpisodeStatus.QA_VERIFIED, IlrLearner.EpisodeStatus.COMPLETED)


@dataclass(frozen=True)
class ExportFilters:
    """Which of the ILRs in scope a batch export holds. By default only QA-verified (or
    completed) ILRs are sent: a Draft goes to the DfE only when the administrator asks."""

    started_after: datetime.date | None = None
    started_before: datetime.date | None = None
    groups: tuple[tuple[int, str], ...] = ()  # (pk, name): names kept for the export's page
    include_unverified: bool = False

    def as_json(self) -> dict:
        return {
            "started_after": self.started_after.isoformat() if self.started_after else None,
            "started_before": self.started_before.isoformat() if self.started_before else None,
            "groups": [list(group) for group in self.groups],
            "include_unverified": self.include_unverified,
        }

    @classmethod
    def from_json(cls, data: dict) -> ExportFilters:
        def day(value):
            return datetime.date.fromisoformat(value) if value else None

        return cls(
            started_after=day(data.get("started_after")),
            started_before=day(data.get("started_before")),
            groups=tuple((pk, name) for pk, name in data.get("groups") or ()),
            # Exports made before the filters existed sent every ILR in scope.
            include_unverified=data.get("include_unverified", True),
        )

    def apply(self, ilrs: models.QuerySet[IlrLearner]) -> models.QuerySet[IlrLearner]:
        if not self.include_unverified:
            ilrs = ilrs.filter(episode_status__in=VERIFIED)
        if self.started_after or self.started_before:
            # "Started" is the ILR's earliest aim start (LearnStartDate), as the DfE counts it.
            ilrs = ilrs.annotate(first_start=models.Min("deliveries__learn_start_date"))
            if self.started_after:
                ilrs = ilrs.filter(first_start__gte=self.started_after)
            if self.started_before:
                ilrs = ilrs.filter(first_start__lte=self.started_before)
        if self.groups:
            chosen = Group.objects.subtrees_of(Group.objects.filter(pk__in=self.pks()))
            member = User.groups.through.objects.filter(
                user_id=OuterRef("learner_id"), group__in=chosen
            )
            ilrs = ilrs.filter(Exists(member))
        return ilrs

    def pks(self) -> list[int]:
        return [pk for pk, _ in self.groups]

    def summary(self) -> list[tuple[str, str]]:
        """(label, value) rows for the export's page."""

        def day(value):
            return value.strftime("%d/%m/%Y") if value else "any date"

        return [
            ("Started on or after", day(self.started_after)),
            ("Started on or before", day(self.started_before)),
            ("Groups", ", ".join(name for _, name in self.groups) or "all groups you see"),
            (
                "ILRs not QA verified",
                "included" if self.include_unverified else "left out (QA-verified ILRs only)",
            ),
        ]


def ilrs_to_export(viewer: User, year: str, filters: ExportFilters) -> models.QuerySet[IlrLearner]:
    return filters.apply(ilrs_in_scope(viewer, year))


# --- Checking one learner ----------------------------------------------------------------------


def _problems(learner_pk: int, values: dict, file_date: datetime.date) -> list[dict]:
    try:
        findings = rules.check_learner(values, file_date=file_date)
    except Exception as error:  # one learner's record must never stop the others' export
        logger.exception("ILR record of learner %s could not be checked", learner_pk)
        findings = [rules.unchecked(error)]
    name = f"{values.get('GivenNames', '')} {values.get('FamilyName', '')}".strip()
    return [
        {
            "learner": learner_pk,
            "learn_ref_number": values.get("LearnRefNumber", ""),
            "name": name or values.get("LearnRefNumber", ""),
            "rule": f.rule,
            "field": f"LearningDelivery[{f.aim}]/{f.field}" if f.aim else f.field,
            "message": f.message,
            # Aims are edited from the ILR's Admin tab, the learner's own fields from its User tab.
            "tab": "admin" if f.aim else "user",
        }
        for f in findings
        if f.is_error
    ]


@dataclass
class SingleResult:
    file_name: str = ""
    content: bytes = b""
    problems: list[dict] = field(default_factory=list)
    schema_errors: list[str] = field(default_factory=list)


def export_learner(ilr: IlrLearner) -> SingleResult:
    """One learner's ILR as a file, or the rule and schema problems that stop it.

    The single file is not a submission: it takes serial 01 and is not recorded as an export.
    """
    fmt = FORMATS[ilr.collection_year]
    ilr = with_ilr_children(IlrLearner.objects.filter(pk=ilr.pk)).select_related("learner").get()
    values = learner_values(ilr)
    info = file_info(fmt, serial=1)
    problems = _problems(ilr.learner_id, values, info.prepared_at.date())
    if problems:
        return SingleResult(problems=problems)
    with tempfile.SpooledTemporaryFile(max_size=5_000_000) as handle:
        write_file(handle, info, [values])
        handle.seek(0)
        errors = schema_errors(handle, fmt)
        handle.seek(0)
        content = handle.read()
    if errors:
        return SingleResult(schema_errors=errors)
    return SingleResult(file_name=info.name, content=content)


# --- The batch export job -------------------------------------------------------------------


class SerialsExhausted(Exception):
    pass


def next_serial(fmt: IlrFormat = CURRENT) -> int:
    """The next serial for this UKPRN and year: one more than any file produced or in progress.

    Exports that ended without a file (Learners need fixing, Failed) give their number back.
    """
    prefix = f"ILR-{settings.PROVIDER_UKPRN}-{fmt.year}-"
    last = (
        IlrExport.objects.filter(collection_year=fmt.year, file_name__startswith=prefix)
        .exclude(status__in=[IlrExport.Status.INVALID, IlrExport.Status.FAILED])
        .aggregate(last=models.Max("serial_no"))["last"]
        or 0
    )
    if last >= 99:
        raise SerialsExhausted(
            f"All 99 file serial numbers for {fmt.label} have been used for UKPRN "
            f"{settings.PROVIDER_UKPRN}."
        )
    return last + 1


def export_create(
    *,
    viewer: User,
    year: str,
    filters: ExportFilters | None = None,
    remote_addr: str | None = None,
) -> IlrExport:
    """Record a batch export waiting for a worker (``tasks.export_start`` queues its task)."""
    filters = filters or ExportFilters()
    fmt = FORMATS[year]
    info = file_info(fmt, serial=next_serial(fmt))
    return IlrExport.objects.create(
        collection_year=year,
        serial_no=info.serial,
        file_name=info.name,
        created_by=viewer,
        total=ilrs_to_export(viewer, year, filters).count(),
        filters=filters.as_json(),
        remote_addr=remote_addr,
    )


class Superseded(Exception):
    """A later attempt took over the job (this run's worker was declared lost): stop writing."""


def _save(export: IlrExport, **values) -> None:
    """Write ``values`` and a heartbeat on the job row, only while this run owns the job."""
    values["heartbeat_at"] = timezone.now()
    # A job row, not audited learner data: the filter makes the write conditional on the attempt.
    if not IlrExport.objects.filter(pk=export.pk, attempts=export.attempts).update(**values):
        raise Superseded(f"ILR export {export.pk} attempt {export.attempts} was taken over")
    for name, value in values.items():
        setattr(export, name, value)


def export_claim(export_pk: int) -> IlrExport | None:
    """Take a waiting job for this run, or None when it is finished, running elsewhere or gone.

    Only a PENDING job is taken, in one conditional UPDATE, so a task queued twice (or run again
    after it finished) does nothing the second time.
    """
    claimed = IlrExport.objects.filter(pk=export_pk, status=IlrExport.Status.PENDING).update(
        status=IlrExport.Status.RUNNING,
        attempts=models.F("attempts") + 1,
        heartbeat_at=timezone.now(),
    )
    return IlrExport.objects.select_related("created_by").get(pk=export_pk) if claimed else None


def export_requeue(export: IlrExport) -> bool:
    """Put a job the queue lost (aptem.jobs) back to waiting, unless another look at it (or its
    worker, with a fresh heartbeat) changed it since ``export`` was read.

    A waiting job whose task was lost uses up an attempt too, so a task that keeps failing
    before it takes the job cannot go round for ever.
    """
    lost_while_waiting = export.status == IlrExport.Status.PENDING
    return bool(
        _unchanged_since_read(export).update(
            status=IlrExport.Status.PENDING,
            heartbeat_at=timezone.now(),  # the new wait starts now
            attempts=models.F("attempts") + int(lost_while_waiting),
        )
    )


def export_give_up(export: IlrExport) -> bool:
    """Fail a job the queue lost, with the reason, unless it changed since ``export`` was read."""
    return bool(
        _unchanged_since_read(export).update(
            status=IlrExport.Status.FAILED,
            error=export.stalled_reason(),
            finished_at=timezone.now(),
        )
    )


def _unchanged_since_read(export: IlrExport) -> models.QuerySet[IlrExport]:
    # Two pages (or a page and recover_jobs) looking at once: only the first one acts.
    return IlrExport.objects.filter(
        pk=export.pk,
        status=export.status,
        attempts=export.attempts,
        heartbeat_at=export.heartbeat_at,
    )


def info_of(export: IlrExport) -> FileInfo:
    """The header of the file the job was created for (its name holds the time and serial), so a
    job run again writes the very file it first promised."""
    prepared_at = datetime.datetime.strptime(
        export.file_name.split("-", 3)[3][:15], "%Y%m%d-%H%M%S"
    )
    ukprn = export.file_name.split("-")[1]
    return FileInfo(FORMATS[export.collection_year], ukprn, export.serial_no, prepared_at)


def export_run(export: IlrExport) -> IlrExport:
    """Check every learner in scope, write the file, validate it, store it and mark them.

    ``export`` is a job claimed by ``export_claim``. Learners are loaded in chunks with all
    their ILR children (a fixed number of queries a chunk) and written to a temporary file as
    they are checked, so memory stays flat; each chunk records progress and a heartbeat.
    """
    viewer = export.created_by
    if viewer is None:
        return _finish(
            export,
            IlrExport.Status.FAILED,
            error="The administrator who started this export no longer exists: start a new export.",
        )
    info = info_of(export)
    fd, temp_path = tempfile.mkstemp(suffix=".xml", prefix="ilr-export-")
    try:
        with os.fdopen(fd, "wb") as handle:
            filters = ExportFilters.from_json(export.filters)
            pks = list(
                ilrs_to_export(viewer, info.fmt.year, filters)
                .order_by("learn_ref_number", "pk")
                .values_list("pk", flat=True)
            )
            _save(export, total=len(pks), done=0)
            problems: list[dict] = []
            write_file(handle, info, _checked_values(export, pks, info, problems))
        if not pks:
            return _finish(
                export, IlrExport.Status.FAILED, error="No learners are in scope for these filters."
            )
        if problems:
            return _finish(export, IlrExport.Status.INVALID, problems=problems)
        errors = schema_errors(temp_path, info.fmt)
        if errors:
            return _finish(export, IlrExport.Status.FAILED, error="\n".join(errors))
        _store(export, temp_path)
        _mark_exported(export, pks, info.name, viewer)
        return _finish(export, IlrExport.Status.READY)
    except Superseded:
        logger.warning("ILR export %s: a later attempt took over; this run stops", export.pk)
        return export
    except Exception as error:  # the job must end in a state the page can show
        logger.exception("ILR export %s failed", export.pk)
        return _finish(export, IlrExport.Status.FAILED, error=f"{type(error).__name__}: {error}")
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)


def _checked_values(
    export: IlrExport, pks: list[int], info: FileInfo, problems: list[dict]
) -> Iterator[dict]:
    file_date = info.prepared_at.date()
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start : start + CHUNK]
        learner_of = dict(IlrLearner.objects.filter(pk__in=chunk).values_list("pk", "learner_id"))
        values_of = many_learner_values(chunk)
        for pk in chunk:
            values = values_of[pk]
            problems += _problems(learner_of[pk], values, file_date)
            if not problems:  # once a learner fails no file is kept: stop writing
                yield values
        _save(export, done=start + len(chunk))


def _store(export: IlrExport, temp_path: str) -> None:
    digest = hashlib.sha256()
    with open(temp_path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        source.seek(0)
        name = default_storage.save(f"ilr-exports/{export.file_name}", File(source))
    _save(export, file=name, sha256=digest.hexdigest())


def _mark_exported(export: IlrExport, pks: list[int], file_name: str, actor: User | None) -> None:
    """Record on each ILR which file carried it, with one audit entry per learner.

    A per-object save took over two minutes for 10,000 learners, so each chunk goes through
    the audit app's bulk writer: one UPDATE plus one INSERT of the entries those saves would
    have written. This is a background job, not request code, so the trail stays complete.
    """
    now = timezone.now()
    values = {"last_exported_at": now, "last_export_file": file_name}
    for start in range(0, len(pks), CHUNK):
        chunk = IlrLearner.objects.filter(pk__in=pks[start : start + CHUNK])
        # The address comes from the task's acting_as, like the correlation id.
        bulk_log_changes(chunk, values, actor=actor, timestamp=now)
        _save(export)  # a heartbeat: marking 100,000 learners takes a while


def _finish(export: IlrExport, status: str, *, problems=None, error: str = "") -> IlrExport:
    _save(export, status=status, problems=problems or [], error=error, finished_at=timezone.now())
    notifications.export_finished(export)
    return export
