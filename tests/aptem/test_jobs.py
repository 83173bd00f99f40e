"""The one stall-and-retry policy every background job follows (aptem/jobs.py), read against a
real task backend: the database one, where results are kept, and the immediate one, where not."""

import datetime

import pytest
import time_machine
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from aptem import jobs

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@task()
def nothing() -> None:
    """A task for the queue to hold."""


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)


@pytest.fixture(autouse=True)
def _policy(settings):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=3)
    settings.TASKS_MAX_ATTEMPTS = 3


@time_machine.travel(NOW, tick=False)
def test_a_heartbeat_is_old_once_the_stall_time_has_passed():
    assert not jobs.heartbeat_is_old(NOW - datetime.timedelta(minutes=2, seconds=59))
    assert jobs.heartbeat_is_old(NOW - datetime.timedelta(minutes=3))
    assert not jobs.heartbeat_is_old(None)


def test_a_job_may_be_started_until_it_has_been_started_the_maximum_times():
    assert [jobs.may_retry(n) for n in range(5)] == [True, True, True, False, False]


@pytest.mark.django_db
def test_a_queued_task_is_waiting_and_one_gone_or_ended_is_not(database_tasks):
    result = nothing.enqueue()
    assert jobs.result_id_to_keep(result) == result.id
    assert jobs.task_is_waiting(result.id)
    for ended in ("SUCCESSFUL", "FAILED"):
        DBTaskResult.objects.update(status=ended)
        assert not jobs.task_is_waiting(result.id)
    DBTaskResult.objects.all().delete()
    assert not jobs.task_is_waiting(result.id)
    assert not jobs.task_is_waiting("not-an-id")


@pytest.mark.django_db
def test_a_task_a_worker_just_took_is_waiting_until_the_stall_time_passes(database_tasks):
    result = nothing.enqueue()
    DBTaskResult.objects.update(status="RUNNING", started_at=NOW)
    with time_machine.travel(NOW + datetime.timedelta(minutes=1), tick=False):
        assert jobs.task_is_waiting(result.id)
    with time_machine.travel(NOW + datetime.timedelta(minutes=4), tick=False):
        assert not jobs.task_is_waiting(result.id)


@pytest.mark.django_db
def test_a_waiting_job_is_lost_only_when_old_and_its_task_is_no_longer_queued(database_tasks):
    result = nothing.enqueue()
    old, recent = NOW - datetime.timedelta(hours=1), NOW - datetime.timedelta(minutes=1)
    with time_machine.travel(NOW, tick=False):
        assert not jobs.waiting_job_is_lost(result.id, old)  # queued behind other work
        DBTaskResult.objects.all().delete()
        assert jobs.waiting_job_is_lost(result.id, old)
        assert not jobs.waiting_job_is_lost(result.id, recent)  # queued again a moment ago


def test_without_kept_results_the_wait_alone_decides():
    # The immediate backend (the test default) runs the task at once and keeps no result.
    result = nothing.enqueue()
    assert jobs.result_id_to_keep(result) == ""
    with time_machine.travel(NOW, tick=False):
        assert jobs.waiting_job_is_lost("", NOW - datetime.timedelta(minutes=3))
        assert not jobs.waiting_job_is_lost("", NOW - datetime.timedelta(minutes=2))
