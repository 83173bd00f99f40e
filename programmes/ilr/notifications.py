"""Emails to the administrator who started an ILR import or export, when it finishes.

Sent through the users app's outbox (``users.emails.notify``), so they go from a task and a
failure to send shows in the outbox instead of failing the job. The link is absolute, built on
settings.SITE_URL: the job runs in a worker, with no request to take the site's address from.
"""

from __future__ import annotations

import logging

from django.urls import reverse

from users.emails import notify, site_link

from .import_models import IlrImport, IlrImportRow
from .models import IlrExport

logger = logging.getLogger(__name__)


def _send(job, subject: str, summary: str, detail: str, path: str, link_text: str) -> None:
    if job.created_by is None:  # the administrator's account is gone: nobody to tell
        return
    context = {
        "user": job.created_by,
        "subject": subject,
        "summary": summary,
        "detail": detail,
        "url": site_link(path),
        "link_text": link_text,
    }
    try:
        notify(
            user=job.created_by,
            subject=subject,
            template="emails/job_finished",
            context=context,
            actor=None,
        )
    except Exception:
        # The job's outcome is saved and on its page; failing to tell its creator must not
        # turn a finished job into a failed one.
        logger.exception("Could not queue the email about %s %s", type(job).__name__, job.pk)


def import_finished(job: IlrImport) -> None:
    counts = job.counts()
    rejected = counts[IlrImportRow.Outcome.REJECTED]
    saved = sum(counts.values()) - rejected
    done = job.status == IlrImport.Status.DONE
    _send(
        job,
        subject=f"ILR import of {job.file_name}: {'finished' if done else 'stopped'}",
        summary=f"Your ILR import of {job.file_name} {'has finished' if done else 'stopped'}: "
        f"{saved} saved, {rejected} with errors.",
        detail=job.error,
        path=reverse("ilr:import_detail", args=[job.pk]),
        link_text="See the import report",
    )


def export_finished(export: IlrExport) -> None:
    if export.status == IlrExport.Status.READY:
        summary = f"Your ILR export {export.file_name} is ready to download: {export.total} "
        summary += "learner." if export.total == 1 else "learners."
    elif export.status == IlrExport.Status.INVALID:
        learners = len({problem.get("learner") for problem in export.problems})
        summary = (
            f"Your ILR export {export.file_name} was not made: {learners} "
            f"learner{'' if learners == 1 else 's'} need fixing first."
        )
    else:
        summary = f"Your ILR export {export.file_name} failed."
    _send(
        export,
        subject=f"ILR export {export.file_name}: {export.get_status_display()}",
        summary=summary,
        detail=export.error,
        path=reverse("ilr:export_detail", args=[export.pk]),
        link_text="See the export",
    )
