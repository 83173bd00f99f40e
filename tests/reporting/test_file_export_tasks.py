"""Exports above settings.EXPORT_INLINE_MAX_ROWS as tasks: queued in the database, run by a
worker (in this process) as their creator, with the row count in the file's name and last line;
idempotent, failed with a reason, retried when the worker vanished, deleted when expired."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import Group as Role
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from reporting import tasks
from reporting.models import FileExport
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _database_tasks(settings, monkeypatch):
    """The production default: tasks wait in the database until a worker takes them. The worker
    runs in this process, so it keeps the test's connection (see tests/programmes/ilr/
    test_export_tasks.py for why)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EXPORT_INLINE_MAX_ROWS = 3
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def _cohort(tree, n: int, name: str = "Counted") -> None:
    for i in range(n):
        UserFactory(first_name=f"N{i}", last_name=f"{name}{i}", groups=[tree["cohort"]])


def _start(client, query: dict | None = None) -> FileExport:
    # The Export button posts to the export URL with the search in its query string.
    response = client.post("/users/export.csv?" + urlencode(query or {}))
    assert response.status_code == 302
    job = FileExport.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    return job


def _download_rows(client, job: FileExport) -> list[list[str]]:
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


def test_an_export_at_the_threshold_still_streams(as_user, tutor, tree):
    _cohort(tree, 3)
    response = as_user(tutor).post("/users/export.csv?name=counted")
    assert response.status_code == 200
    assert response.streaming
    assert not FileExport.objects.exists()


def test_above_the_threshold_one_job_is_made_and_a_worker_writes_the_whole_file(
    as_user, tutor, tree
):
    _cohort(tree, 5)
    client = as_user(tutor)
    job = _start(client, {"name": "counted", "sort": "name"})
    # The request only queued it: the page polls a waiting job.
    assert job.status == FileExport.Status.WAITING
    assert job.label == "Users: user name counted"
    assert DBTaskResult.objects.get().task_path == "reporting.tasks.run_file_export"
    assert 'hx-trigger="every 2s"' in client.get(f"/exports/{job.pk}/").text

    _run_worker()

    job.refresh_from_db()
    assert job.status == FileExport.Status.READY, job.error
    assert (job.row_count, job.rows_done, job.rows_total, job.attempts) == (5, 5, 5, 1)
    assert job.file_name.startswith("users-")
    assert job.file_name.endswith("-5-rows.csv")
    assert job.file.name == f"exports/{job.file_name}"
    assert job.size == job.file.size
    assert len(job.sha256) == 64
    assert job.expires_at is not None
    page = client.get(f"/exports/{job.pk}/").text
    assert "every 2s" not in page
    assert f"Download {job.file_name} (5 rows," in page
    rows = _download_rows(client, job)
    assert rows[0][:3] == ["ID", "First name", "Surname"]
    assert [r[2] for r in rows[1:-1]] == [f"Counted{i}" for i in range(5)]
    assert rows[-1] == ["# 5 rows"]


def test_a_get_above_the_threshold_makes_no_job(as_user, tutor, tree):
    _cohort(tree, 5)
    response = as_user(tutor).get("/users/export.csv?name=counted")
    assert response.status_code == 302
    assert response["Location"] == "/users/?name=counted"
    assert not FileExport.objects.exists()


def test_a_tutors_file_holds_only_the_users_they_see(as_user, tutor, tree):
    _cohort(tree, 4, "Mine")
    for i in range(3):
        UserFactory(last_name=f"Theirs{i}", groups=[tree["south"]])
    client = as_user(tutor)
    job = _start(client)
    _run_worker()
    job.refresh_from_db()
    surnames = {r[2] for r in _download_rows(client, job)[1:-1]}
    assert surnames == {f"Mine{i}" for i in range(4)}


def test_the_download_is_recorded_as_an_access_entry(as_user, tutor, tree):
    _cohort(tree, 5)
    client = as_user(tutor)
    job = _start(client)
    _run_worker()
    job.refresh_from_db()
    _download_rows(client, job)
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).get()
    assert entry.actor == tutor
    assert job.file_name in entry.changes_dict["export"][1]


def test_a_creator_who_lost_the_permission_before_the_worker_ran_gets_a_failed_job(
    as_user, tutor, tree
):
    _cohort(tree, 5)
    job = _start(as_user(tutor))
    tutor.roles.remove(Role.objects.get(name="Data Export"))

    _run_worker()

    job.refresh_from_db()
    assert job.status == FileExport.Status.FAILED
    assert "no longer hold the permission" in job.error
    assert not job.file


def test_an_error_while_writing_fails_the_job_with_the_reason_shown(
    as_user, tutor, tree, monkeypatch
):
    _cohort(tree, 5)
    client = as_user(tutor)
    job = _start(client)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    real_store = tasks._store
    monkeypatch.setattr(tasks, "_store", broken)
    _run_worker()

    job.refresh_from_db()
    assert job.status == FileExport.Status.FAILED
    assert "OSError: disk full" in job.error
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"  # the job row holds the failure
    # Mended (not monkeypatch.undo(), which would also give the worker back its connection
    # closing: see _database_tasks).
    monkeypatch.setattr(tasks, "_store", real_store)
    page = client.get(f"/exports/{job.pk}/").text
    assert "disk full" in page
    assert "Start again" in page
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404

    again = client.post(f"/exports/{job.pk}/start-again/")
    new = FileExport.objects.exclude(pk=job.pk).get()
    assert again["Location"] == f"/exports/{new.pk}/"
    _run_worker()
    new.refresh_from_db()
    assert (new.status, new.row_count, new.label) == (FileExport.Status.READY, 5, job.label)


def test_running_the_task_again_changes_nothing(as_user, tutor, tree):
    _cohort(tree, 5)
    job = _start(as_user(tutor))
    _run_worker()
    job.refresh_from_db()
    first = (job.status, job.sha256, job.file.name, job.finished_at, job.attempts)

    tasks.run_file_export.enqueue(job.pk)  # queued twice, or redelivered
    _run_worker()

    job.refresh_from_db()
    assert (job.status, job.sha256, job.file.name, job.finished_at, job.attempts) == first
    assert DBTaskResult.objects.latest("enqueued_at").return_value == "skipped"


def test_a_job_whose_worker_vanished_is_queued_again_then_failed_with_the_reason(
    as_user, tutor, tree, settings
):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    settings.TASKS_MAX_ATTEMPTS = 2
    _cohort(tree, 5)
    client = as_user(tutor)
    started = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        job = _start(client)
        DBTaskResult.objects.all().delete()  # a worker took the task ...
        assert tasks._claim(job.pk) is not None  # ... and died after claiming the job
    page_url = f"/exports/{job.pk}/"

    with time_machine.travel(started + datetime.timedelta(minutes=2), tick=False):
        assert "every 2s" in client.get(page_url).text
    job.refresh_from_db()
    assert (job.status, job.attempts) == (FileExport.Status.RUNNING, 1)

    # Three minutes without a heartbeat: looking at the page queues the job once more.
    with time_machine.travel(started + datetime.timedelta(minutes=4), tick=False):
        assert "every 2s" in client.get(page_url).text
        job.refresh_from_db()
        assert (job.status, job.attempts) == (FileExport.Status.WAITING, 1)
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        assert tasks._claim(job.pk) is not None  # the second worker dies too

    with time_machine.travel(started + datetime.timedelta(minutes=8), tick=False):
        report = tasks.recover_stalled()
        page = client.get(page_url).text

    job.refresh_from_db()
    assert report == [f"File export {job.pk}: worker lost 2 times, failed"]
    assert (job.status, job.attempts) == (FileExport.Status.FAILED, 2)
    assert "its worker stopped" in job.error
    assert "every 2s" not in page
    assert "Start again" in page


def test_a_job_queued_again_after_its_worker_vanished_finishes(as_user, tutor, tree):
    _cohort(tree, 5)
    started = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        job = _start(as_user(tutor))
        DBTaskResult.objects.all().delete()
        lost = tasks._claim(job.pk)
    with time_machine.travel(started + datetime.timedelta(minutes=10), tick=False):
        assert tasks.recover_stalled() == [f"File export {job.pk}: worker lost, queued again"]
    _run_worker()

    job.refresh_from_db()
    assert (job.status, job.attempts, job.row_count) == (FileExport.Status.READY, 2, 5)
    # The lost run wakes up: it may no longer write on the job.
    with pytest.raises(tasks.Superseded):
        tasks._save(lost, rows_done=0)


def test_an_expired_file_is_deleted_and_the_page_offers_to_start_again(as_user, tutor, tree):
    _cohort(tree, 5)
    client = as_user(tutor)
    job = _start(client)
    _run_worker()
    job.refresh_from_db()
    stored = job.file.name
    assert tasks.delete_expired() == []
    # Its days are up (settings.EXPORT_FILE_DAYS after it was made).
    FileExport.objects.filter(pk=job.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    # Past its expiry the file is no longer offered, even before it is deleted.
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    deleted = f"File export {job.pk}: expired, file {job.file_name} deleted"
    assert tasks.delete_expired() == [deleted]
    page = client.get(f"/exports/{job.pk}/").text
    job.refresh_from_db()
    assert job.status == FileExport.Status.EXPIRED
    assert not job.file
    assert not job.file.storage.exists(stored)
    assert "expired" in page
    assert "Start again" in page
    assert tasks.delete_expired() == []


def test_progress_is_written_every_thousand_rows(as_user, tutor, tree, monkeypatch):
    _cohort(tree, 5)
    monkeypatch.setattr(tasks, "PROGRESS_EVERY", 2)
    seen = []
    real_save = tasks._save

    def spy(job, **values):
        if set(values) == {"rows_done"}:
            seen.append(values["rows_done"])
        real_save(job, **values)

    monkeypatch.setattr(tasks, "_save", spy)
    job = _start(as_user(tutor))
    _run_worker()
    job.refresh_from_db()
    assert seen == [2, 4]
    assert job.status == FileExport.Status.READY


def test_a_job_waiting_behind_other_work_is_left_waiting(as_user, tutor, tree, settings):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    _cohort(tree, 5)
    started = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        job = _start(as_user(tutor))
    # An hour later no worker has taken it (one busy with a long import), but its task is
    # still in the queue: nothing is lost.
    with time_machine.travel(started + datetime.timedelta(hours=1), tick=False):
        assert tasks.recover_stalled() == []
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (FileExport.Status.WAITING, 0, "")


def test_a_waiting_job_whose_task_left_the_queue_is_queued_again_then_failed(
    as_user, tutor, tree, settings
):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    settings.TASKS_MAX_ATTEMPTS = 2
    _cohort(tree, 5)
    started = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        job = _start(as_user(tutor))
        DBTaskResult.objects.all().delete()  # the queue was emptied
    with time_machine.travel(started + datetime.timedelta(minutes=2), tick=False):
        assert tasks.recover_stalled() == []  # not yet past the policy's wait
    with time_machine.travel(started + datetime.timedelta(minutes=4), tick=False):
        assert tasks.recover_stalled() == [
            f"File export {job.pk}: its task left the queue, queued again"
        ]
        job.refresh_from_db()
        assert (job.status, job.attempts) == (FileExport.Status.WAITING, 1)
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        DBTaskResult.objects.all().delete()  # and again
    with time_machine.travel(started + datetime.timedelta(minutes=6), tick=False):
        assert tasks.recover_stalled() == []  # waiting again only since minute 4
    with time_machine.travel(started + datetime.timedelta(minutes=8), tick=False):
        assert tasks.recover_stalled() == [
            f"File export {job.pk}: its task left the queue 2 times, failed"
        ]
    job.refresh_from_db()
    assert (job.status, job.attempts) == (FileExport.Status.FAILED, 2)
    assert "No task worker started the export" in job.error
