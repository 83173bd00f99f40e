"""/health/ for load balancers: the database, the task queue and the storage, each checked."""

import os
import socket
import time
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult

from aptem import health

ALL_OK = {"database": "ok", "queue": "ok", "storage": "ok"}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = DATABASE_QUEUE


def test_health_needs_no_login_and_answers_ok_when_all_is_well(client, db, tmp_path):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == ALL_OK
    # The storage probe cleaned up after itself.
    assert list((tmp_path / "health").iterdir()) == []


def test_health_answers_503_naming_the_database_when_it_is_down(client, db):
    # Only the health check's connection fails: the test's own teardown still needs it.
    with mock.patch("aptem.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("connection refused to db.internal")
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert "db.internal" not in response.text


def test_health_answers_503_naming_the_queue_when_the_task_table_fails(client, db, monkeypatch):
    def broken():
        raise OperationalError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr(DBTaskResult.objects, "exists", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "queue": "unavailable"}
    assert "relation" not in response.text


def test_health_answers_503_naming_the_queue_when_redis_refuses(client, db, settings):
    settings.TASKS = RQ_QUEUE
    # Port 1 on this machine: nothing listens, the connection is refused at once.
    settings.RQ_QUEUES = {"default": {"URL": "redis://:secret-password@127.0.0.1:1/0"}}
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "queue": "unavailable"}
    assert "secret-password" not in response.text
    assert "127.0.0.1" not in response.text


def test_a_redis_that_never_answers_fails_the_check_within_its_timeout(
    client, db, settings, monkeypatch
):
    monkeypatch.setattr(health, "REDIS_TIMEOUT_SECONDS", 0.3)
    settings.TASKS = RQ_QUEUE
    with socket.socket() as silent:
        # Accepts connections (the kernel's backlog does) but never says a word.
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{silent.getsockname()[1]}/0"}}
        started = time.monotonic()
        response = client.get("/health/")
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["queue"] == "unavailable"
    assert elapsed < 3


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server (REDIS_URL)")
def test_health_pings_the_redis_of_the_rq_queue(client, db, settings):
    settings.TASKS = RQ_QUEUE
    settings.RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"]}}
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == ALL_OK


def test_the_immediate_backend_has_no_queue_to_reach(client, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert client.get("/health/").json() == ALL_OK


def test_health_answers_503_naming_the_storage_when_it_cannot_write(client, db, monkeypatch):
    def broken(name, content, max_length=None):
        raise PermissionError("[Errno 13] Permission denied: '/srv/portal/media/health'")

    monkeypatch.setattr(default_storage, "save", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {**ALL_OK, "storage": "unavailable"}
    assert "/srv" not in response.text


def test_a_storage_that_reads_back_other_content_is_unavailable(client, db, monkeypatch):
    real_open = default_storage.open

    def corrupting_open(name, mode="rb"):
        handle = real_open(name, mode)
        handle.read = lambda *args: b"something else"
        return handle

    monkeypatch.setattr(default_storage, "open", corrupting_open)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["storage"] == "unavailable"
