"""``manage.py recover_jobs``: every kind of job's recovery, once, with a line per job it changed
(cron or a systemd timer runs it every minute or two)."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from portal.management.commands import recover_jobs
from programmes.ilr.import_models import IlrImport
from programmes.ilr.models import IlrExport

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
LONG_AGO = NOW - datetime.timedelta(minutes=10)


@pytest.fixture(autouse=True)
def _database_tasks(settings, tmp_path):
    # The queue as in production: no worker runs here, so what the command queues stays queued.
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    settings.TASKS_MAX_ATTEMPTS = 3


def _export(user, **values) -> IlrExport:
    values = {"status": IlrExport.Status.RUNNING, "heartbeat_at": LONG_AGO, **values}
    return IlrExport.objects.create(
        serial_no=IlrExport.objects.count() + 1,
        file_name=f"ILR-99999999-2526-20260302-085000-0{IlrExport.objects.count() + 1}.xml",
        created_by=user,
        **values,
    )


def _import(user, tree, **values) -> IlrImport:
    values = {"status": IlrImport.Status.RUNNING, "heartbeat_at": LONG_AGO, **values}
    return IlrImport.objects.create(
        file_name="Autumn.xml",
        file=SimpleUploadedFile("x.xml", b"<x/>"),
        group=tree["cohort"],
        created_by=user,
        **values,
    )


def _run() -> list[str]:
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("recover_jobs", stdout=out)
    return out.getvalue().splitlines()


def test_it_queues_again_or_fails_every_lost_job_and_says_so(tutor, tree):
    lost = _export(tutor, attempts=1)
    spent = _export(tutor, attempts=3)
    alive = _export(tutor, attempts=1, heartbeat_at=NOW - datetime.timedelta(minutes=1))
    lost_import = _import(tutor, tree, attempts=3, done=4, total=9)

    lines = _run()

    assert lines == [
        f"ILR export {lost.pk} ({lost.file_name}): queued again (attempts so far: 1)",
        f"ILR export {spent.pk} ({spent.file_name}): failed: The worker stopped: it recorded no "
        "progress for 3 minutes on 3 attempts. Start the export again.",
        f"ILR import {lost_import.pk} (Autumn.xml): failed: The worker running this import "
        "stopped answering 3 times, after 4 of 9 learners. The learners listed below were "
        "saved; use “Run again to finish” to import the rest.",
        "3 stalled jobs recovered.",
    ]
    statuses = {e.pk: e.status for e in IlrExport.objects.all()}
    assert statuses == {lost.pk: "PENDING", spent.pk: "FAILED", alive.pk: "RUNNING"}
    assert DBTaskResult.objects.get().task_path == "programmes.ilr.tasks.export_ilr"
    assert IlrImport.objects.get().status == IlrImport.Status.FAILED


def test_a_lost_import_is_queued_again(tutor, tree):
    job = _import(tutor, tree, attempts=1)
    assert _run() == [
        f"ILR import {job.pk} (Autumn.xml): queued again (attempts so far: 1)",
        "1 stalled job recovered.",
    ]
    job.refresh_from_db()
    assert job.status == IlrImport.Status.QUEUED
    assert job.task_result_id == str(DBTaskResult.objects.get().id)


def test_with_nothing_lost_it_changes_nothing_and_says_so(tutor, tree):
    _export(tutor, heartbeat_at=NOW)
    _import(tutor, tree, status=IlrImport.Status.DONE)
    assert _run() == ["0 stalled jobs recovered."]
    assert not DBTaskResult.objects.exists()


def test_running_it_twice_acts_once(tutor):
    _export(tutor, attempts=1)
    assert _run()[-1] == "1 stalled job recovered."
    assert _run()[-1] == "0 stalled jobs recovered."
    assert DBTaskResult.objects.count() == 1


def test_each_kind_of_job_is_one_entry_in_its_list_of_recoveries():
    names = [f"{r.__module__}.{r.__name__}" for r in recover_jobs.RECOVERIES]
    assert names == [
        "programmes.ilr.tasks.recover_stalled",
        "programmes.ilr.import_tasks.recover_stalled",
        "reporting.tasks.recover_stalled",
        "reporting.tasks.delete_expired",
        "users.tasks.recover_stalled",
    ]
