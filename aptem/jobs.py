"""One stall-and-retry policy for every background job (ILR export and import, file exports,
emails).

django-tasks has no retries of its own, and a task whose worker died stays "running" in its
result store, so each job row keeps a heartbeat (its last sign of life) and the id of its queued
task, and these functions decide, the same way for every kind of job:

- a running job whose worker recorded no heartbeat for ``settings.TASKS_STALLED_AFTER`` lost its
  worker (``heartbeat_is_old``);
- a waiting job is lost only once its task has left the queue without taking it
  (``waiting_job_is_lost``): a job queued behind a long import is simply waiting;
- a lost job is started again while ``may_retry``, then failed with the reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, default_task_backend, task_backends
from django_tasks.exceptions import TaskResultDoesNotExist


def heartbeat_is_old(last_sign: datetime.datetime | None) -> bool:
    """No sign of life since ``last_sign`` for longer than the policy allows (no sign at all
    is no evidence either way)."""
    return last_sign is not None and timezone.now() - last_sign >= settings.TASKS_STALLED_AFTER


def may_retry(attempts: int) -> bool:
    """A lost job that has been started ``attempts`` times may be started again."""
    return attempts < settings.TASKS_MAX_ATTEMPTS


def result_id_to_keep(result: TaskResult) -> str:
    """The id to record on the job row, or "" when the backend cannot look results up later
    (the immediate backend has already run the task; the heartbeat rule then decides)."""
    return result.id if task_backends[result.backend].supports_get_result else ""


def task_is_waiting(result_id: str) -> bool:
    """The task is still queued, or a worker took it a moment ago and is about to start the job.

    False when the backend no longer has it (the queue was emptied), or it has already ended
    (it failed before taking the job, or found nothing to do) while the job still waits.
    """
    try:
        result = default_task_backend.get_result(result_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return False
    if result.status == TaskResultStatus.READY:
        return True
    taken_at = result.last_attempted_at or result.started_at
    return result.status == TaskResultStatus.RUNNING and not heartbeat_is_old(taken_at)


def waiting_job_is_lost(result_id: str, waiting_since: datetime.datetime | None) -> bool:
    """A job waiting for a worker since ``waiting_since`` (queued or queued again) will never be
    taken: it has waited longer than the policy allows and its task is no longer in the queue.
    Without a recorded task id, the wait alone decides."""
    if not heartbeat_is_old(waiting_since):
        return False
    return not result_id or not task_is_waiting(result_id)


def stalled_minutes() -> int:
    """``TASKS_STALLED_AFTER`` in whole minutes, for the reasons shown on job pages."""
    return max(1, int(settings.TASKS_STALLED_AFTER.total_seconds() // 60))


def recover_each(
    in_progress: QuerySet, recover_if_stalled: Callable[[Model], bool], label: str
) -> list[str]:
    """Apply a job kind's ``recover_if_stalled`` to each of its jobs ``in_progress`` (an ILR
    export's or import's; they carry ``file_name``, ``attempts``, ``error`` and a FAILED
    status): one line per job it changed, for ``manage.py recover_jobs``."""
    lines = []
    for job in in_progress.order_by("pk"):
        if recover_if_stalled(job):
            outcome = (
                f"failed: {job.error}"
                if job.status == job.Status.FAILED
                else f"queued again (attempts so far: {job.attempts})"
            )
            lines.append(f"{label} {job.pk} ({job.file_name}): {outcome}")
    return lines
