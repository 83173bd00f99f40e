"""The ILR import as a task: start a job from an upload, then import its learners one by one.

Each learner is committed in its own transaction together with its report row, so a job that
stops midway (an error, a worker killed) has saved exactly the learners its report lists.
Running the job again skips the learners that have a row and finishes the rest, so the task is
idempotent and a vanished worker's job can simply be queued again (``recover_if_stalled``).
"""

from __future__ import annotations

import logging

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django_tasks import task

from aptem import jobs
from aptem.uploads.files import random_name, sha256_of
from audit.context import acting_as
from programmes.models import Programme
from users.models import Group, User

from . import importing, notifications
from .import_models import IlrImport, IlrImportRow

logger = logging.getLogger(__name__)


def import_start(
    *,
    upload: UploadedFile,
    group: Group,
    programme: Programme | None,
    actor: User,
    remote_addr: str | None = None,
) -> IlrImport:
    """Check the file against its year's schema, store it and queue the job.

    A file that is not a valid ILR file raises ``importing.ImportRefused`` here, at upload:
    no job is made and no learner touched.
    """
    fmt, learners = importing.read_file(upload)
    upload.seek(0)
    job = IlrImport.objects.create(
        file_name=upload.name,
        sha256=sha256_of(upload),
        collection_year=fmt.year,
        group=group,
        programme=programme,
        total=len(learners),
        created_by=actor,
        remote_addr=remote_addr,
    )
    job.file.name = default_storage.save(random_name("ilr-imports", upload.name), upload)
    job.save(update_fields=["file"])
    _enqueue(job)
    return job


def import_again(job: IlrImport) -> IlrImport:
    """Queue a stopped job again: it skips the learners already handled and finishes the rest."""
    job.status = IlrImport.Status.QUEUED
    job.error = ""
    job.finished_at = None
    job.attempts = 0  # a person asked: the vanished-worker retries start afresh
    job.heartbeat_at = timezone.now()  # the new wait starts now
    job.save(update_fields=["status", "error", "finished_at", "attempts", "heartbeat_at"])
    _enqueue(job)
    return job


def _enqueue(job: IlrImport) -> None:
    # No transaction is open here (no ATOMIC_REQUESTS): the job row is committed before a
    # worker, or the immediate backend, looks for it.
    result = run_import.enqueue(job.pk)
    # Only the id is written: a worker may already be running the job.
    IlrImport.objects.filter(pk=job.pk).update(task_result_id=jobs.result_id_to_keep(result))


def recover_if_stalled(job: IlrImport) -> bool:
    """A job the queue lost (aptem.jobs: its worker vanished, or its task left the queue) is
    queued again while the policy allows, then failed with the reason. Returns True when the
    job changed. Safe when several pages and ``manage.py recover_jobs`` look at once."""
    if not job.is_stalled:
        return False
    # Claim the job as read here (its old heartbeat), so two looks at once act only once.
    claimed = IlrImport.objects.filter(
        pk=job.pk, status=job.status, attempts=job.attempts, heartbeat_at=job.heartbeat_at
    )
    if jobs.may_retry(job.attempts):
        # A task lost before it started uses up an attempt too: it cannot go round for ever.
        lost_while_waiting = int(job.status == IlrImport.Status.QUEUED)
        requeued = claimed.update(
            status=IlrImport.Status.QUEUED,
            heartbeat_at=timezone.now(),
            attempts=models.F("attempts") + lost_while_waiting,
        )
        if not requeued:
            return False
        logger.warning("ILR import %s was lost by the task queue; queued again", job.pk)
        _enqueue(job)
    else:
        failed = IlrImport.Status.FAILED
        reason = job.stalled_reason()
        if not claimed.update(status=failed, error=reason, finished_at=timezone.now()):
            return False
    job.refresh_from_db()
    return True


def recover_stalled() -> list[str]:
    """``recover_if_stalled`` for every import in progress: one line per import it changed."""
    lines = []
    in_progress = IlrImport.objects.filter(
        status__in=[IlrImport.Status.QUEUED, IlrImport.Status.RUNNING]
    )
    for job in in_progress.order_by("pk"):
        if recover_if_stalled(job):
            outcome = (
                f"failed: {job.error}"
                if job.status == IlrImport.Status.FAILED
                else f"queued again (attempts so far: {job.attempts})"
            )
            lines.append(f"ILR import {job.pk} ({job.file_name}): {outcome}")
    return lines


@task()
def run_import(import_pk: int) -> str:
    """Import every learner of the job's file not yet handled, one transaction per learner."""
    job = IlrImport.objects.select_related("group", "programme", "created_by").get(pk=import_pk)
    if job.status == IlrImport.Status.DONE:
        return job.status  # queued twice (a page and a recovery both re-queued it): nothing left
    job.status = IlrImport.Status.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or timezone.now()
    job.heartbeat_at = timezone.now()
    job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
    try:
        with job.file.open("rb") as handle:
            fmt, learners = importing.read_file(handle)
        importer = importing.Importer(fmt, job.group, job.programme, job.created_by)
        handled = set(job.rows.values_list("position", flat=True))
        # One correlation id and the uploader's address on every audit entry of the run.
        with acting_as(job.created_by, remote_addr=job.remote_addr):
            for position, values in enumerate(learners, start=1):
                if position not in handled:
                    _import_one(job, position, values, importer)
    except Exception as error:  # the job must end in a state its page can show
        logger.exception("ILR import %s stopped", import_pk)
        return _finish(job, IlrImport.Status.FAILED, _stopped_because(job, error))
    return _finish(job, IlrImport.Status.DONE)


def _import_one(job: IlrImport, position: int, values: dict, importer) -> None:
    with transaction.atomic():
        # A worker thought gone may still be running this job beside its replacement: the
        # job's row lock makes them take turns, and a learner the other one handled is skipped.
        IlrImport.objects.select_for_update().filter(pk=job.pk).exists()
        if job.rows.filter(position=position).exists():
            return
        row = importing.import_learner(values, importer)
        IlrImportRow.objects.create(
            job=job,
            position=position,
            learn_ref_number=row.learn_ref_number[:12],
            name=row.name[:120],
            outcome=row.outcome,
            saved_learner_id=row.learner_pk,
            committed=row.outcome != "rejected",
            errors=row.errors,
            warnings=row.warnings,
            duplicates=row.duplicates,
        )
        job.done = job.rows.count()
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["done", "heartbeat_at"])


def _stopped_because(job: IlrImport, error: Exception) -> str:
    return (
        f"The import stopped after {job.rows.count()} of {job.total} learners "
        f"({type(error).__name__}: {error}). The learners listed below were saved or rejected; "
        "no other learner of the file was touched. Use “Run again to finish” to import the rest."
    )


def _finish(job: IlrImport, status: str, error: str = "") -> str:
    job.status = status
    job.error = error
    job.done = job.rows.count()
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "done", "finished_at"])
    notifications.import_finished(job)
    return status
