"""The ILR import as a task: start a job from an upload, then import its learners one by one.

Each learner is committed in its own transaction together with its report row, so a job that
stops midway (an error, a worker killed) has saved exactly the learners its report lists.
Running the job again skips the learners that have a row and finishes the rest, so the task is
idempotent and a vanished worker's job can simply be queued again (``recover_stalled``).
"""

from __future__ import annotations

import logging

from auditlog.context import set_actor
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from aptem.uploads.files import random_name, sha256_of
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
    job.save(update_fields=["status", "error", "finished_at", "attempts"])
    _enqueue(job)
    return job


def _enqueue(job: IlrImport) -> None:
    # No transaction is open here (no ATOMIC_REQUESTS): the job row is committed before a
    # worker, or the immediate backend, looks for it.
    run_import.enqueue(job.pk)


def recover_stalled(jobs=None) -> list[IlrImport]:
    """Queue again each running job whose worker vanished (no heartbeat for STALLED_AFTER),
    or fail it with the reason once it has had MAX_ATTEMPTS. Returns the jobs it changed."""
    changed = []
    running = IlrImport.Status.RUNNING
    candidates = jobs if jobs is not None else IlrImport.objects.filter(status=running)
    for job in candidates:
        if not job.is_stalled:
            continue
        # Claim the job by its old heartbeat, so two pages polling at once act only once.
        claimed = IlrImport.objects.filter(
            pk=job.pk, status=IlrImport.Status.RUNNING, heartbeat_at=job.heartbeat_at
        )
        if job.attempts >= IlrImport.MAX_ATTEMPTS:
            reason = (
                f"The worker running this import stopped answering {job.attempts} times, after "
                f"{job.done} of {job.total} learners. The learners listed below were saved; "
                "use “Run again to finish” to import the rest."
            )
            failed = IlrImport.Status.FAILED
            if claimed.update(status=failed, error=reason, finished_at=timezone.now()):
                changed.append(job)
        elif claimed.update(status=IlrImport.Status.QUEUED, heartbeat_at=timezone.now()):
            logger.warning("ILR import %s lost its worker; queued again", job.pk)
            job.refresh_from_db()
            _enqueue(job)
            changed.append(job)
    return changed


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
        with set_actor(job.created_by, remote_addr=job.remote_addr):
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
