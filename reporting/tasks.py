"""File exports on Django's task framework (the django-tasks backport).

The task takes only the job row's pk: the row holds the kind and parameters, so any worker can
run it and it can be queued again. Progress, heartbeat and outcome go on the row, which the
job's page polls. One policy decides when a job lost its worker (settings.TASKS_STALLED_AFTER,
settings.TASKS_MAX_ATTEMPTS): ``recover_stalled`` applies it, ``delete_expired`` removes old files.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone
from django_tasks import task

from aptem import jobs
from aptem.csv_export import csv_chunks
from audit.context import acting_as
from users.models import User

from .exports import ExportKind, ExportRefused, kind_of
from .models import FileExport

logger = logging.getLogger(__name__)

# Rows written between two progress writes (which carry the heartbeat).
PROGRESS_EVERY = 1000


class Superseded(Exception):
    """A later attempt took the job over (this run's worker was declared lost): stop writing."""


@task()
def run_file_export(export_pk: int) -> str:
    """Write the export ``export_pk``; a job already taken or finished is left alone."""
    job = _claim(export_pk)
    if job is None:
        logger.info("File export %s is not waiting for a worker: nothing to do", export_pk)
        return "skipped"
    with acting_as(job.created_by):
        return _run(job).status


def file_export_start(
    *, actor: User, kind: str, label: str, parameters: dict, rows_total: int | None = None
) -> FileExport:
    """Record an export waiting for a worker and queue its task.

    Queued straight away, not on commit: request code runs in autocommit, so the row is already
    committed when a worker looks for it.
    """
    kind_of(kind)  # an unknown kind is refused before a job is made
    job = FileExport.objects.create(
        kind=kind, label=label[:300], parameters=parameters, created_by=actor, rows_total=rows_total
    )
    _enqueue(job)
    job.refresh_from_db()  # the immediate backend has already run it
    return job


def file_export_again(job: FileExport, *, actor: User) -> FileExport:
    """A new job for the same export (after a failure or an expiry); the old row stays as it was."""
    return file_export_start(actor=actor, kind=job.kind, label=job.label, parameters=job.parameters)


def _enqueue(job: FileExport) -> None:
    result = run_file_export.enqueue(job.pk)
    # Only a job nobody has taken yet records it (the immediate backend has run it already).
    FileExport.objects.filter(pk=job.pk, task_result_id="").update(task_result_id=str(result.id))


def _claim(export_pk: int) -> FileExport | None:
    """Take a waiting job for this run, or None when it is finished, running elsewhere or gone.

    One conditional UPDATE on the status: a task queued twice, or run again after it finished,
    does nothing the second time.
    """
    now = timezone.now()
    claimed = FileExport.objects.filter(pk=export_pk, status=FileExport.Status.WAITING).update(
        status=FileExport.Status.RUNNING,
        attempts=models.F("attempts") + 1,
        heartbeat_at=now,
        started_at=now,
    )
    return FileExport.objects.select_related("created_by").get(pk=export_pk) if claimed else None


def _save(job: FileExport, **values) -> None:
    """Write ``values`` and a heartbeat on the job row, only while this run owns the job."""
    values["heartbeat_at"] = timezone.now()
    owned = FileExport.objects.filter(
        pk=job.pk, status=FileExport.Status.RUNNING, attempts=job.attempts
    )
    if not owned.update(**values):
        raise Superseded(f"File export {job.pk} attempt {job.attempts} was taken over")
    for name, value in values.items():
        setattr(job, name, value)


def _run(job: FileExport) -> FileExport:
    fd, temp_path = tempfile.mkstemp(suffix=".tmp", prefix="file-export-")
    os.close(fd)
    try:
        kind = kind_of(job.kind)
        viewer = _creator_allowed(job, kind.permission)
        _save(job, rows_total=kind.count(viewer, job.parameters, None), rows_done=0)
        if kind.write is not None:
            with open(temp_path, "wb") as out:
                count = kind.write(job, out, lambda done: _save(job, rows_done=done))
        else:
            counted = _Counted(job, kind.rows(viewer, job.parameters))
            with open(temp_path, "w", encoding="utf-8", newline="") as handle:
                for text in csv_chunks(counted):
                    handle.write(text)
            count = counted.data_rows
        file_name = _file_name(job, kind, count)
        _store(job, temp_path, file_name)
        return _finish(job, FileExport.Status.READY, row_count=count)
    except Superseded:
        logger.warning("File export %s: a later attempt took over; this run stops", job.pk)
        return job
    except ExportRefused as refusal:
        logger.warning("File export %s refused: %s", job.pk, refusal)
        return _finish(job, FileExport.Status.FAILED, error=str(refusal))
    except Exception as error:  # the job must end in a state its page can show
        logger.exception("File export %s failed", job.pk)
        reason = (
            f"The export stopped with an error ({type(error).__name__}: {error}). "
            "Start it again; if it fails again, tell support."
        )
        return _finish(job, FileExport.Status.FAILED, error=reason)
    finally:
        if os.path.exists(temp_path):
            os.unlink(temp_path)


def _creator_allowed(job: FileExport, permission: str) -> User:
    """The creator, re-checked now: the job may run long after it was asked for."""
    viewer = job.created_by
    if viewer is None or not viewer.is_active:
        raise ExportRefused("The administrator who asked for this export can no longer sign in.")
    if not viewer.has_perm(permission):
        raise ExportRefused(
            "You no longer hold the permission this export needs (Data Export), so it was not "
            "made. Ask a supervisor for the role, then start it again."
        )
    return viewer


class _Counted:
    """The producer's rows, counted as they pass, with progress written every PROGRESS_EVERY."""

    def __init__(self, job: FileExport, rows: Iterable[Iterable]) -> None:
        self.job, self.rows, self.data_rows = job, rows, 0

    def __iter__(self) -> Iterator[Iterable]:
        rows = iter(self.rows)
        header = next(rows, None)
        if header is None:
            return
        yield header
        for row in rows:
            yield row
            self.data_rows += 1
            if self.data_rows % PROGRESS_EVERY == 0:
                _save(self.job, rows_done=self.data_rows)


def _file_name(job: FileExport, kind: ExportKind, count: int) -> str:
    """``users-20261201-1003-5-rows.csv``: the count is in the name, so a cut file shows."""
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    prefix = kind.file_prefix(job.parameters)
    return f"{prefix}-{stamp}-{count}-{kind.unit}{'' if count == 1 else 's'}.{kind.extension}"


def _store(job: FileExport, temp_path: str, file_name: str) -> None:
    digest = hashlib.sha256()
    with open(temp_path, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        size = source.tell()
        source.seek(0)
        # Through the storage API, so the file lands in S3 as well as on a private disk.
        stored = default_storage.save(f"exports/{file_name}", File(source, name=file_name))
    _save(job, file=stored, file_name=file_name, size=size, sha256=digest.hexdigest())


def _finish(job: FileExport, status: str, *, error: str = "", row_count=None) -> FileExport:
    now = timezone.now()
    values = {"status": status, "error": error, "finished_at": now}
    if status == FileExport.Status.READY:
        values["row_count"] = values["rows_done"] = row_count
        values["rows_total"] = row_count
        values["expires_at"] = now + datetime.timedelta(days=settings.EXPORT_FILE_DAYS)
    _save(job, **values)
    return job


# --- Recovery (called by the recover_jobs command and when a job's page is polled) -------------


def recover_stalled() -> list[str]:
    """Apply the one job policy (aptem.jobs) to file exports: a running job whose worker recorded
    no heartbeat for settings.TASKS_STALLED_AFTER, or a waiting job whose task left the queue
    without taking it, is queued again until it has been started settings.TASKS_MAX_ATTEMPTS
    times, then failed with the reason. A job merely waiting behind other work is left alone.
    Returns a line per job changed."""
    cutoff = timezone.now() - settings.TASKS_STALLED_AFTER
    report = []
    running = FileExport.objects.filter(status=FileExport.Status.RUNNING, heartbeat_at__lt=cutoff)
    waiting = FileExport.objects.filter(status=FileExport.Status.WAITING, created_at__lt=cutoff)
    for job in [*running, *waiting]:
        if job.status == FileExport.Status.WAITING:
            if not jobs.waiting_job_is_lost(job.task_result_id, job.heartbeat_at or job.created_at):
                continue
            # A task that keeps vanishing before it takes the job must not be queued for ever.
            attempts, lost = job.attempts + 1, "its task left the queue"
        else:
            attempts, lost = job.attempts, "worker lost"
        # Conditional on what was read here, so two pages polling at once act once, and a worker
        # that wrote a heartbeat (or took the job) meanwhile keeps its job.
        same = FileExport.objects.filter(
            pk=job.pk, status=job.status, attempts=job.attempts, heartbeat_at=job.heartbeat_at
        )
        if jobs.may_retry(attempts):
            requeued = same.update(
                status=FileExport.Status.WAITING,
                attempts=attempts,
                task_result_id="",
                heartbeat_at=timezone.now(),  # waiting again from now
            )
            if requeued:
                logger.warning("File export %s: %s, queued again", job.pk, lost)
                _enqueue(job)
                report.append(f"File export {job.pk}: {lost}, queued again")
        elif same.update(
            status=FileExport.Status.FAILED,
            attempts=attempts,
            finished_at=timezone.now(),
            error=_stalled_reason(attempts, waiting=job.status == FileExport.Status.WAITING),
        ):
            logger.warning("File export %s: %s %s times, failed", job.pk, lost, attempts)
            report.append(f"File export {job.pk}: {lost} {attempts} times, failed")
    return report


def _stalled_reason(attempts: int, *, waiting: bool = False) -> str:
    if waiting:
        return (
            "No task worker started the export: its task left the queue without starting it "
            f"({attempts} times). Check that a task worker is running, then start it again."
        )
    return (
        f"The export was started {attempts} times and each time its worker stopped (no progress "
        f"for {jobs.stalled_minutes()} minutes). Start it again; if it stops again, tell support."
    )


def delete_expired() -> list[str]:
    """Delete the file of every export past its expiry (settings.EXPORT_FILE_DAYS) and mark the
    job Expired. Returns a line per job."""
    report = []
    due = FileExport.objects.filter(status=FileExport.Status.READY, expires_at__lte=timezone.now())
    for job in due:
        if job.file:
            job.file.storage.delete(job.file.name)
        FileExport.objects.filter(pk=job.pk, status=FileExport.Status.READY).update(
            status=FileExport.Status.EXPIRED, file=""
        )
        report.append(f"File export {job.pk}: expired, file {job.file_name} deleted")
    return report
