"""Mandates (PDF) for the learners of a Users page search: one PDF per learner, collected into a
ZIP by a file export task of the reporting app, running as the administrator who asked for it.

Rendering one mandate keeps WeasyPrint busy for a good part of a second, so a batch is always a
job, never made in the request, and settings.PDF_BATCH_MAX_LEARNERS caps its size. A learner
whose mandate cannot be made is listed in problems.txt inside the ZIP: one learner's bad data
never stops the batch for the others (DESIGN §10).

It joins the Users search (portal) to documents' mandate, which only the top floor may import
together.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable
from typing import BinaryIO

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict

from aptem.pagination import capped_count
from documents.services import mandate_pdf
from reporting.exports import ExportKind, ExportRefused, register
from reporting.models import FileExport
from users.access import uses_admin_pages
from users.models import User

from .exports import EXPORT_PERMISSION, search_users, users_label
from .filters import UserFilter

logger = logging.getLogger(__name__)

MANDATES = "mandates"
PROBLEMS_FILE = "problems.txt"


def mandate_learners(user_filter: UserFilter, sort: str) -> QuerySet:
    """The learners of a valid Users search, in its order: employers and administrators have no
    mandate."""
    return user_filter.sorted(sort).filter(user_type=User.Type.LEARNER)


def too_many_learners(count: int) -> str | None:
    """Why a batch of ``count`` learners is refused, or None when it is within the cap."""
    cap = settings.PDF_BATCH_MAX_LEARNERS
    if count <= cap:
        return None
    return (
        f"This search finds more than {cap:,} learners, the most one batch of mandates may hold. "
        "Narrow the filters (a group, a programme, a status) and make the mandates in smaller "
        "batches."
    )


def mandates_label(user_filter: UserFilter) -> str:
    """What a batch holds, in words: "Mandates (PDF): user name smith"."""
    return "Mandates (PDF): " + users_label(user_filter).removeprefix("Users: ")


def _learners(viewer: User, parameters: dict) -> QuerySet:
    # The viewer's access and scope now, not when the batch was asked for.
    if not uses_admin_pages(viewer):
        raise ExportRefused("You no longer have access to the Users page.")
    user_filter, sort = search_users(viewer, QueryDict(parameters.get("query", "")))
    if not user_filter.is_valid():
        raise ExportRefused(
            "The search's filters no longer apply (a group or programme may have gone): "
            "search again on the Users page and make the mandates from there."
        )
    return mandate_learners(user_filter, sort)


def _count(viewer: User, parameters: dict, cap: int | None) -> int:
    return capped_count(_learners(viewer, parameters), cap)


def pdf_name(learner: User) -> str:
    """``Surname-Firstname-<pk>.pdf`` in plain ASCII (any unzip tool reads it); the pk makes it
    unique among namesakes."""
    parts = []
    for name in (learner.last_name, learner.first_name):
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        cleaned = re.sub(r"[^A-Za-z0-9]+", "_", ascii_name).strip("_")
        if cleaned:
            parts.append(cleaned)
    return "-".join([*parts, str(learner.pk)]) + ".pdf"


def write_mandates(job: FileExport, out: BinaryIO, progress: Callable[[int], None]) -> int:
    """Write the ZIP of the batch's mandates to ``out``; returns how many PDFs it holds."""
    viewer = job.created_by
    # The pks first (a list within the cap), each learner read whole just before its PDF: the
    # search's rows carry only the Users page's columns.
    cap = settings.PDF_BATCH_MAX_LEARNERS
    pks = list(_learners(viewer, job.parameters).values_list("pk", flat=True)[: cap + 1])
    if refusal := too_many_learners(len(pks)):
        raise ExportRefused(refusal)
    visible = User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER)
    made, problems = 0, []
    # PDFs are compressed already: storing them saves the CPU that deflating would cost.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, pk in enumerate(pks, start=1):
            learner = None
            try:
                learner = visible.select_related("organisation").filter(pk=pk).first()
                if learner is None:
                    problems.append(f"ID {pk}: no longer a learner you can see, so no mandate.")
                else:
                    archive.writestr(pdf_name(learner), mandate_pdf(learner=learner, actor=viewer))
                    made += 1
            except Exception as error:  # one learner's bad data never stops the batch
                logger.exception("Mandate of learner %s could not be made", pk)
                problems.append(_problem(pk, learner, error))
            # Outside the try: a run whose job was taken over must stop, not note a problem.
            progress(done)
        if problems:
            archive.writestr(PROBLEMS_FILE, _problems_text(problems, len(pks)))
    return made


def _problem(pk: int, learner: User | None, error: Exception) -> str:
    who = f"{learner.last_name}, {learner.first_name} (ID {pk})" if learner else f"ID {pk}"
    reason = f"{type(error).__name__}: {error}"[:300]
    return (
        f"{who}: the mandate could not be made ({reason}). Check the learner's details on "
        "their page, then prepare the mandate there."
    )


def _problems_text(problems: list[str], learners: int) -> str:
    missing = len(problems)
    heading = (
        f"{missing} of {learners} learner{'' if learners == 1 else 's'} "
        f"{'has' if missing == 1 else 'have'} no mandate in this file:"
    )
    return "\r\n".join([heading, "", *problems, ""])


register(
    ExportKind(
        kind=MANDATES,
        label="Mandates (PDF)",
        # With the Users page access _learners checks, what the single mandate download needs.
        permission=EXPORT_PERMISSION,
        count=_count,
        write=write_mandates,
        # The batch spans many learners (each PDF is logged on its learner's trail as it is
        # made): the download is noted on the exporter's own trail.
        access_record=lambda viewer, parameters: viewer,
        file_prefix=lambda parameters: "mandates",
        unit="learner",
        extension="zip",
        content_type="application/zip",
    )
)
