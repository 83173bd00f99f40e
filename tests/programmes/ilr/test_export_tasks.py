"""The batch ILR export as a task: queued in the database, run by a worker, idempotent, with a
heartbeat so a job whose worker vanished is run once more and then failed with the reason."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group as Role
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from programmes.ilr import export_job, tasks, xml_file
from programmes.ilr.models import IlrExport, IlrLearner
from tests.factories import EnrolmentFactory, ProgrammeFactory, make_ilr

EXPORT = "/programmes/ilrs/export/"


@pytest.fixture(autouse=True)
def _database_tasks(settings, tmp_path, monkeypatch):
    """The production default: tasks wait in the database until a worker takes them.

    The worker closes connections it thinks stale between tasks; inside the test's transaction
    every connection looks so (autocommit is off), and on PostgreSQL closing it would end the
    test's transaction. The worker runs in this process here, so it keeps the connection."""
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


@pytest.fixture
def ilr_manager(tutor):
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    return tutor


@pytest.fixture
def exported_ilr(learner):
    EnrolmentFactory(learner=learner, programme=ProgrammeFactory(ilr_enabled=True))
    return make_ilr(learner)


def _run_worker() -> None:
    """One worker, in this process: it runs every task waiting, then stops."""
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def _start(client) -> IlrExport:
    response = client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    assert response.status_code == 302
    return IlrExport.objects.get()


def test_the_page_queues_the_export_and_a_worker_makes_the_file(as_user, ilr_manager, exported_ilr):
    client = as_user(ilr_manager)
    export = _start(client)
    # The request only queued it: the page polls a waiting job.
    assert export.status == IlrExport.Status.PENDING
    assert DBTaskResult.objects.get().task_path == "programmes.ilr.tasks.export_ilr"
    assert 'hx-trigger="every 1s"' in client.get(f"/programmes/ilrs/exports/{export.pk}/").text

    _run_worker()

    export.refresh_from_db()
    assert export.status == IlrExport.Status.READY, export.error or export.problems
    assert (export.done, export.total, export.attempts) == (1, 1, 1)
    assert export.heartbeat_at is not None
    with export.file.open("rb") as handle:
        assert xml_file.schema_errors(handle) == []
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert IlrLearner.objects.get().last_export_file == export.file_name
    download = client.get(f"/programmes/ilrs/exports/{export.pk}/download/")
    assert download.status_code == 200


def test_running_the_task_again_changes_nothing(as_user, ilr_manager, exported_ilr):
    export = _start(as_user(ilr_manager))
    _run_worker()
    export.refresh_from_db()
    first = (export.status, export.sha256, export.finished_at, export.attempts)
    marked_at = IlrLearner.objects.get().last_exported_at

    tasks.export_ilr.enqueue(export.pk)  # queued twice, or redelivered
    _run_worker()

    export.refresh_from_db()
    assert (export.status, export.sha256, export.finished_at, export.attempts) == first
    assert IlrLearner.objects.get().last_exported_at == marked_at
    assert DBTaskResult.objects.latest("enqueued_at").return_value == "skipped"


def test_a_failure_is_recorded_with_its_reason_and_shown(
    as_user, ilr_manager, exported_ilr, monkeypatch
):
    client = as_user(ilr_manager)
    export = _start(client)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_job, "_store", broken)
    _run_worker()

    export.refresh_from_db()
    assert export.status == IlrExport.Status.FAILED
    assert export.error == "OSError: disk full"
    page = client.get(f"/programmes/ilrs/exports/{export.pk}/").text
    assert "disk full" in page
    assert 'hx-trigger="every 1s"' not in page
    assert IlrLearner.objects.get().last_exported_at is None


def test_a_job_whose_worker_vanished_is_run_again_then_failed_with_the_reason(
    as_user, ilr_manager, exported_ilr, settings
):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=5)
    settings.TASKS_MAX_ATTEMPTS = 2
    client = as_user(ilr_manager)
    started = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        export = _start(client)
        # A worker takes the job and dies before it writes anything more.
        DBTaskResult.objects.all().delete()
        assert export_job.export_claim(export.pk) is not None
    page_url = f"/programmes/ilrs/exports/{export.pk}/"

    with time_machine.travel(started + datetime.timedelta(minutes=4), tick=False):
        assert 'hx-trigger="every 1s"' in client.get(page_url).text
    export.refresh_from_db()
    assert export.status == IlrExport.Status.RUNNING

    # Five minutes without a heartbeat: the page queues the job once more.
    with time_machine.travel(started + datetime.timedelta(minutes=6), tick=False):
        assert 'hx-trigger="every 1s"' in client.get(page_url).text
        export.refresh_from_db()
        assert (export.status, export.attempts) == (IlrExport.Status.PENDING, 1)
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        # The second worker dies too.
        assert export_job.export_claim(export.pk) is not None

    with time_machine.travel(started + datetime.timedelta(minutes=12), tick=False):
        listing = client.get("/programmes/ilrs/").text
        page = client.get(page_url).text

    export.refresh_from_db()
    assert (export.status, export.attempts) == (IlrExport.Status.FAILED, 2)
    assert "The worker stopped: it recorded no progress for 5 minutes on 2 attempts" in export.error
    assert "Start the export again" in page
    assert 'hx-trigger="every 1s"' not in page
    assert "Failed" in listing


def test_a_job_run_again_after_its_worker_vanished_finishes(as_user, ilr_manager, exported_ilr):
    started = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        export = _start(as_user(ilr_manager))
        DBTaskResult.objects.all().delete()  # the first worker took the task and died
        lost = export_job.export_claim(export.pk)
    with time_machine.travel(started + datetime.timedelta(minutes=6), tick=False):
        lost.refresh_from_db()
        assert tasks.recover_if_stalled(lost)
    _run_worker()

    export.refresh_from_db()
    assert (export.status, export.attempts) == (IlrExport.Status.READY, 2)
    # The lost run wakes up: it may no longer write on the job.
    with pytest.raises(export_job.Superseded):
        export_job._save(lost, done=0)


def test_a_job_waiting_in_the_queue_behind_other_work_is_not_failed(
    as_user, ilr_manager, exported_ilr, settings
):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    started = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    client = as_user(ilr_manager)
    with time_machine.travel(started, tick=False):
        export = _start(client)
    assert export.task_result_id == str(DBTaskResult.objects.get().id)

    # The only worker is busy with a long import for an hour: the task just waits its turn.
    with time_machine.travel(started + datetime.timedelta(hours=1), tick=False):
        page = client.get(f"/programmes/ilrs/exports/{export.pk}/").text
        out = io.StringIO()
        call_command("recover_jobs", stdout=out)

    export.refresh_from_db()
    assert (export.status, export.attempts, export.error) == (IlrExport.Status.PENDING, 0, "")
    assert "Waiting to start" in page
    assert 'hx-trigger="every 1s"' in page
    assert out.getvalue() == "0 stalled jobs recovered.\n"
    assert DBTaskResult.objects.get().status == "READY"  # not queued a second time

    _run_worker()
    export.refresh_from_db()
    assert export.status == IlrExport.Status.READY


def test_a_waiting_job_whose_task_left_the_queue_is_queued_again_then_failed(
    as_user, ilr_manager, exported_ilr, settings
):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    settings.TASKS_MAX_ATTEMPTS = 1  # a lost task uses up an attempt: one requeue
    started = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    client = as_user(ilr_manager)
    with time_machine.travel(started, tick=False):
        export = _start(client)
        page_url = f"/programmes/ilrs/exports/{export.pk}/"
        DBTaskResult.objects.all().delete()  # the queue was emptied: no worker will take it

    with time_machine.travel(started + datetime.timedelta(minutes=2), tick=False):
        client.get(page_url)
    export.refresh_from_db()
    assert (export.status, export.attempts) == (IlrExport.Status.PENDING, 0)

    with time_machine.travel(started + datetime.timedelta(minutes=4), tick=False):
        assert 'hx-trigger="every 1s"' in client.get(page_url).text
    export.refresh_from_db()
    requeued = DBTaskResult.objects.get()
    assert (export.status, export.attempts) == (IlrExport.Status.PENDING, 1)
    assert (export.task_result_id, requeued.status) == (str(requeued.id), "READY")

    # The task fails before it takes the job (say, a deploy removed it): lost again, and out
    # of attempts.
    DBTaskResult.objects.update(status="FAILED")
    with time_machine.travel(started + datetime.timedelta(minutes=8), tick=False):
        page = client.get(page_url).text
    export.refresh_from_db()
    assert (export.status, export.attempts) == (IlrExport.Status.FAILED, 1)
    assert export.error == (
        "No task worker started the export: its task left the queue without starting it. "
        "Check that a worker is running (manage.py db_worker), then start the export again."
    )
    assert "its task left the queue without starting it" in page
    assert 'hx-trigger="every 1s"' not in page


def _export_entry(ilr: IlrLearner) -> AuditEntry:
    entry = AuditEntry.objects.filter(learner=ilr.learner, object_id=ilr.pk).latest("pk")
    assert set(entry.changes_dict) == {"last_exported_at", "last_export_file"}
    return entry


def test_a_worker_run_export_writes_its_audit_entries_with_one_correlation_id_and_address(
    as_user, ilr_manager, exported_ilr
):
    client = as_user(ilr_manager)
    response = client.post(
        EXPORT, {"year": "2526", "include_unverified": "on"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    export = IlrExport.objects.get()
    assert export.remote_addr == "203.0.113.9"

    _run_worker()

    entry = _export_entry(exported_ilr)
    assert (entry.actor, entry.remote_addr) == (ilr_manager, "203.0.113.9")
    assert entry.cid


def test_a_retried_export_keeps_the_starters_address_on_its_audit_entries(
    as_user, ilr_manager, exported_ilr
):
    started = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    client = as_user(ilr_manager)
    with time_machine.travel(started, tick=False):
        client.post(EXPORT, {"year": "2526", "include_unverified": "on"}, REMOTE_ADDR="192.0.2.7")
        export = IlrExport.objects.get()
        DBTaskResult.objects.all().delete()
        export_job.export_claim(export.pk)  # a worker took it and died
    with time_machine.travel(started + datetime.timedelta(minutes=30), tick=False):
        export.refresh_from_db()
        assert tasks.recover_if_stalled(export)
    _run_worker()

    export.refresh_from_db()
    assert (export.status, export.attempts) == (IlrExport.Status.READY, 2)
    entry = _export_entry(exported_ilr)
    assert entry.remote_addr == "192.0.2.7"
