"""ILR background work on Django's task framework (the django-tasks backport).

A task takes only the job row's pk (and the starting request's address for the audit trail):
the row holds everything else, so the task can be queued again and run by any worker. Progress,
heartbeat and outcome are written on the row, which the export's page polls.
"""

from __future__ import annotations

import logging

from django_tasks import task

from audit.context import acting_as
from users.models import User

from . import export_job
from .models import IlrExport

logger = logging.getLogger(__name__)


@task()
def export_ilr(export_pk: int, remote_addr: str | None = None) -> str:
    """Run the batch export ``export_pk``; a job already taken or finished is left alone."""
    export = export_job.export_claim(export_pk)
    if export is None:
        logger.info("ILR export %s is not waiting for a worker: nothing to do", export_pk)
        return "skipped"
    with acting_as(export.created_by):
        return export_job.export_run(export, remote_addr=remote_addr).status


def export_start(
    *,
    viewer: User,
    year: str,
    filters: export_job.ExportFilters | None = None,
    remote_addr: str | None = None,
) -> IlrExport:
    """Record a batch export and queue its task.

    Queued straight away, not on commit: request code runs in autocommit (no ATOMIC_REQUESTS),
    so the job row is already committed, and with the database backend a caller's transaction
    commits the job and its task together.
    """
    export = export_job.export_create(viewer=viewer, year=year, filters=filters)
    export_ilr.enqueue(export.pk, remote_addr)
    export.refresh_from_db()  # the immediate backend has already run it
    return export


def recover_if_stalled(export: IlrExport) -> bool:
    """A job whose worker stopped is queued once more, then failed with the reason.

    django-tasks has no retries of its own (a task whose worker died stays "running" in its
    result table), so the job row's heartbeat decides, wherever the job is looked at.
    Returns True when the job changed.
    """
    if not export.stalled:
        return False
    may_retry = (
        export.status == IlrExport.Status.RUNNING and export.attempts < IlrExport.MAX_ATTEMPTS
    )
    # Only the row still showing the attempt seen here goes back to waiting, so two pages
    # looking at once queue it once.
    if may_retry and export_job.export_requeue(export):
        logger.warning("ILR export %s lost its worker: queued again", export.pk)
        export_ilr.enqueue(export.pk)
        export.refresh_from_db()
        return True
    return export.fail_if_stalled()
