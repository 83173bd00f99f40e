"""The task tests run against every queue backend the portal supports: the database queue
always, and RQ on Redis when REDIS_URL names a Redis server (`.ci/run` runs them again so)."""

import os
from collections.abc import Iterator

import django_rq
import pytest
from django.conf import settings as django_settings
from django_tasks_db.management.commands import db_worker
from redis import Redis

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


@pytest.fixture
def redis_db() -> Iterator[Redis]:
    """REDIS_URL's Redis, its database emptied before and after the test.

    Only that database number is flushed, so name one of its own (CI uses 15)."""
    if not getattr(django_settings, "RQ_QUEUES", None):
        pytest.skip("needs a Redis server: set REDIS_URL, e.g. redis://127.0.0.1:6379/15")
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
        pytest.skip("the Redis tests empty REDIS_URL's database: run them in one process")
    redis = django_rq.get_connection("default")
    redis.flushdb()
    yield redis
    redis.flushdb()


@pytest.fixture(params=["database", "rq"])
def queue_backend(request, settings, monkeypatch, tmp_path) -> str:
    """Overrides the suite's immediate backend: tasks wait in the queue until
    ``run_queued_tasks()`` runs a worker pass."""
    settings.MEDIA_ROOT = tmp_path
    if request.param == "database":
        settings.TASKS = DATABASE
        # The worker closes connections it thinks stale between tasks; inside the test's
        # transaction every connection looks so, and closing it would end the transaction.
        monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    else:
        request.getfixturevalue("redis_db")
        settings.TASKS = RQ
    return request.param
