"""ILR background work on Django's task framework (the django-tasks backport).

A task takes only the job row's pk: the row holds everything else (who started it and from
which address included), so the task can be queued again and run by any worker. Progress,
heartbeat and outcome are written on the row, which the export's page polls.
"""

from __future__ import annotations

import logging

from django_tasks import task

from aptem import jobs
from audit.context import acting_as
from users.models import User

from . import export_job
from .models import IlrExport

logger = logging.getLogger(__name__)


@task()
def export_ilr(export_pk: int, remote_addr: str | None = None) -> str:
    """Run the batch export ``export_pk``; a job already taken or finished is left alone.

    ``remote_addr`` is read only from tasks queued before the job row kept the address.
    """
    export = export_job.export_claim(export_pk)
    if export is None:
        logger.info("ILR export %s is not waiting for a worker: nothing to do", export_pk)
        return "skipped"
    # One correlation id and the starting request's address on every audit entry of the run.
    with acting_as(export.created_by, remote_addr=export.remote_addr or remote_addr):
        return export_job.export_run(export).status


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
    export = export_job.export_create(
        viewer=viewer, year=year, filters=filters, remote_addr=remote_addr
    )
    _enqueue(export)
    export.refresh_from_db()  # the immediate backend has already run it
    return export


def _enqueue(export: IlrExport) -> None:
    result = export_ilr.enqueue(export.pk)
    # Only the id is written: a worker may already be running the job.
    IlrExport.objects.filter(pk=export.pk).update(task_result_id=jobs.result_id_to_keep(result))


def recover_if_stalled(export: IlrExport) -> bool:
    """A job the queue lost (aptem.jobs: its worker stopped, or its task left the queue) is
    queued again while the policy allows, then failed with the reason.

    The job row decides, wherever the job is looked at: its page, or ``manage.py recover_jobs``.
    Returns True when the job changed.
    """
    if not export.stalled:
        return False
    if jobs.may_retry(export.attempts):
        # Only the row still as read here changes, so two looks at once queue it once.
        if not export_job.export_requeue(export):
            return False
        logger.warning("ILR export %s was lost by the task queue: queued again", export.pk)
        _enqueue(export)
    elif not export_job.export_give_up(export):
        return False
    export.refresh_from_db()
    return True


def recover_stalled() -> list[str]:
    """``recover_if_stalled`` for every export in progress: one line per export it changed."""
    waiting = IlrExport.objects.filter(
        status__in=[IlrExport.Status.PENDING, IlrExport.Status.RUNNING]
    )
    return jobs.recover_each(waiting, recover_if_stalled, "ILR export")
