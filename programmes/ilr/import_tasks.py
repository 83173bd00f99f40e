"""The ILR import as tasks: start a job from an upload, then import its learners one by one, in
chunk tasks that any number of workers share (``run_import`` queues them).

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

from aptem import jobs, locks
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
    in_progress = IlrImport.objects.filter(
        status__in=[IlrImport.Status.QUEUED, IlrImport.Status.RUNNING]
    )
    return jobs.recover_each(in_progress, recover_if_stalled, "ILR import")


# Learners per chunk task. Each chunk re-reads the file (without the XSD check), so a chunk
# should take seconds, not milliseconds; small enough that a second worker gets work from an
# import of a few hundred learners, and that a killed worker's chunk is cheap to redo.
CHUNK_SIZE = 250


@task()
def run_import(import_pk: int) -> str:
    """Start the job: queue one ``run_import_chunk`` per CHUNK_SIZE learners with some not yet
    handled, so every worker can take a share. The last chunk to finish closes the job."""
    job = IlrImport.objects.get(pk=import_pk)
    if job.status == IlrImport.Status.DONE:
        return job.status  # queued twice (a page and a recovery both re-queued it): nothing left
    job.status = IlrImport.Status.RUNNING
    job.attempts += 1
    job.started_at = job.started_at or timezone.now()
    job.heartbeat_at = timezone.now()
    job.done = job.rows.count()
    job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "done"])
    handled = set(job.rows.values_list("position", flat=True))
    chunks = [
        (first, min(first + CHUNK_SIZE - 1, job.total))
        for first in range(1, job.total + 1, CHUNK_SIZE)
        if not handled.issuperset(range(first, min(first + CHUNK_SIZE - 1, job.total) + 1))
    ]
    for first, last in chunks:
        run_import_chunk.enqueue(import_pk, first, last)
    if not chunks:  # a re-run after every learner was handled: nothing to queue, close it
        _close_if_complete(import_pk)
    return IlrImport.objects.values_list("status", flat=True).get(pk=import_pk)


@task()
def run_import_chunk(import_pk: int, first: int, last: int) -> str:
    """Import the job's learners ``first`` to ``last`` not yet handled, one transaction per
    learner; idempotent, so running a chunk twice (recovery, or a worker thought gone) is safe."""
    job = IlrImport.objects.select_related("group", "programme", "created_by").get(pk=import_pk)
    if job.status in (IlrImport.Status.DONE, IlrImport.Status.FAILED):
        return job.status  # another chunk stopped the job, or a re-run already finished it
    try:
        with job.file.open("rb") as handle:
            fmt, learners = importing.read_learners(handle, first, last)
        importer = importing.Importer(fmt, job.group, job.programme, job.created_by)
        # One correlation id and the uploader's address on every audit entry of the chunk.
        with acting_as(job.created_by, remote_addr=job.remote_addr):
            for position, values in enumerate(learners, start=first):
                if not _import_one(job, position, values, importer):
                    break  # the job failed meanwhile: stop where it stopped
    except Exception as error:  # the job must end in a state its page can show
        logger.exception("ILR import %s stopped in learners %s-%s", import_pk, first, last)
        return _fail(import_pk, error)
    return _close_if_complete(import_pk)


def _import_one(job: IlrImport, position: int, values: dict, importer) -> bool:
    """Import one learner with its report row, unless it has one; False once the job failed."""
    with transaction.atomic():
        _take_turns(job, position, values, importer.fmt)
        status = IlrImport.objects.values_list("status", flat=True).get(pk=job.pk)
        if status == IlrImport.Status.FAILED:
            return False
        if job.rows.filter(position=position).exists():
            return True
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
        # Last, and as one UPDATE: the job's row stays locked only from here to the commit,
        # and F() counts right however many chunks add rows at once. The heartbeat is the
        # job's: any chunk running keeps the whole job alive.
        IlrImport.objects.filter(pk=job.pk).update(
            done=models.F("done") + 1, heartbeat_at=timezone.now()
        )
    return True


def _take_turns(job: IlrImport, position: int, values: dict, fmt) -> None:
    """Make two tasks take turns where they could collide, and only there: over one position
    (a chunk run twice: the second skips what the first reported) and over one person (two
    learners of the file who are the same person, in chunks running at once: the second must
    see the first's user to report it as a possible duplicate, not create it again).

    On PostgreSQL these are named locks, so chunks about other people run in parallel. Other
    databases lock the job's row instead, as before the fan-out: chunks of a job take turns.
    """
    if locks.supported():
        locks.hold(
            [f"ilr-import:position:{job.pk}:{position}", *importing.identity_names(values, fmt)]
        )
    else:
        IlrImport.objects.select_for_update().filter(pk=job.pk).exists()


def _close_if_complete(import_pk: int) -> str:
    """Mark the job Done once every learner has a report row. Decided under the job's row lock
    so that of chunks finishing together exactly one closes it (and sends the notification)."""
    with transaction.atomic():
        job = IlrImport.objects.select_for_update().get(pk=import_pk)
        done = job.rows.count()
        closing = job.in_progress and done == job.total
        if closing:
            job.status = IlrImport.Status.DONE
            job.error = ""
            job.done = done
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "done", "finished_at"])
    if closing:
        notifications.import_finished(job)
    return job.status


def _fail(import_pk: int, error: Exception) -> str:
    """Fail the job with the reason, unless it already ended (only the first failure counts)."""
    with transaction.atomic():
        job = IlrImport.objects.select_for_update().get(pk=import_pk)
        failing = job.in_progress
        if failing:
            job.status = IlrImport.Status.FAILED
            job.error = _stopped_because(job, error)
            job.done = job.rows.count()
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "done", "finished_at"])
    if failing:
        notifications.import_finished(job)
    return job.status


def _stopped_because(job: IlrImport, error: Exception) -> str:
    return (
        f"The import stopped after {job.rows.count()} of {job.total} learners "
        f"({type(error).__name__}: {error}). The learners listed below were saved or rejected; "
        "no other learner of the file was touched. Use “Run again to finish” to import the rest."
    )
