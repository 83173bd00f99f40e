"""The ILR import on the task queue itself (the database backend, a worker run in this process):
a job waiting behind other work is left waiting, one whose task left the queue is queued again,
and a worker-run import's audit entries share one correlation id and the uploader's address."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from programmes.ilr.import_models import IlrImport

from .samples import distinct_sample
from .test_import import _levy_only, _post, _upload

STARTED = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _database_tasks(settings, tmp_path, monkeypatch):
    # As in test_export_tasks: the worker runs in this process and keeps the test's connection.
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def _queued(client, tree) -> IlrImport:
    with time_machine.travel(STARTED, tick=False):
        assert _post(client, tree, file=_upload(_levy_only())).status_code == 302
    job = IlrImport.objects.get()
    assert job.status == IlrImport.Status.QUEUED
    assert job.task_result_id == str(DBTaskResult.objects.get().id)
    return job


def test_an_import_waiting_in_the_queue_behind_other_work_is_not_failed(as_user, supervisor, tree):
    client = as_user(supervisor)
    job = _queued(client, tree)

    with time_machine.travel(STARTED + datetime.timedelta(hours=1), tick=False):
        page = client.get(f"/programmes/ilrs/imports/{job.pk}/").content.decode()
        call_command("recover_jobs", stdout=io.StringIO())

    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (IlrImport.Status.QUEUED, 0, "")
    assert "Queued" in page
    assert DBTaskResult.objects.get().status == "READY"
    _run_worker()
    job.refresh_from_db()
    assert (job.status, job.done) == (IlrImport.Status.DONE, 1)


def test_an_import_whose_task_left_the_queue_is_queued_again_and_finishes(
    as_user, supervisor, tree
):
    client = as_user(supervisor)
    job = _queued(client, tree)
    DBTaskResult.objects.all().delete()

    with time_machine.travel(STARTED + datetime.timedelta(minutes=4), tick=False):
        client.get(f"/programmes/ilrs/imports/{job.pk}/")

    job.refresh_from_db()
    requeued = DBTaskResult.objects.get()
    assert (job.status, job.attempts) == (IlrImport.Status.QUEUED, 1)
    assert (job.task_result_id, requeued.status) == (str(requeued.id), "READY")
    _run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (IlrImport.Status.DONE, 1, 2)


def test_an_import_whose_task_is_lost_once_too_often_fails_with_the_reason(
    as_user, supervisor, tree, settings
):
    settings.TASKS_MAX_ATTEMPTS = 1
    client = as_user(supervisor)
    job = _queued(client, tree)
    DBTaskResult.objects.update(status="FAILED")  # it failed before it took the job
    IlrImport.objects.filter(pk=job.pk).update(attempts=1)

    with time_machine.travel(STARTED + datetime.timedelta(minutes=4), tick=False):
        page = client.get(f"/programmes/ilrs/imports/{job.pk}/").content.decode()

    job.refresh_from_db()
    assert job.status == IlrImport.Status.FAILED
    assert job.error.startswith(
        "No task worker started this import: its task left the queue without starting it."
    )
    assert "Run again to finish" in page


def test_a_worker_run_imports_audit_entries_share_one_correlation_id_and_the_uploaders_address(
    as_user, supervisor, tree
):
    client = as_user(supervisor)
    _post(client, tree, file=_upload(distinct_sample()), REMOTE_ADDR="198.51.100.23")
    job = IlrImport.objects.get()

    _run_worker()

    job.refresh_from_db()
    assert job.status == IlrImport.Status.DONE
    learners = list(job.rows.values_list("saved_learner_id", flat=True))
    entries = AuditEntry.objects.filter(learner_id__in=learners)
    assert entries.count() > len(learners)
    assert set(entries.values_list("actor", "remote_addr")) == {(supervisor.pk, "198.51.100.23")}
    cids = set(entries.values_list("cid", flat=True))
    assert len(cids) == 1
    assert None not in cids
