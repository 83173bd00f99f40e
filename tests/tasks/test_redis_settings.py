"""REDIS_URL switches the task queue, the cache and the sessions to Redis; without it nothing
changes. Settings are read once at start-up, so each case starts a Python of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent.parent

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "tasks": settings.TASKS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_location": settings.CACHES["default"].get("LOCATION", ""),
    "sessions": settings.SESSION_ENGINE,
    "rq_queues": getattr(settings, "RQ_QUEUES", None),
    "rq": getattr(settings, "RQ", None),
    "apps": [app for app in settings.INSTALLED_APPS if "rq" in app],
}))
"""


def _settings_with(**variables: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TASKS_IMMEDIATE")}
    env.update(DJANGO_SETTINGS_MODULE="aptem.settings", **variables)
    result = subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_url_tasks_cache_and_sessions_stay_local():
    found = _settings_with()
    assert found["tasks"] == "django_tasks_db.DatabaseBackend"
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["sessions"] == "django.contrib.sessions.backends.db"
    assert found["rq_queues"] is None
    assert found["apps"] == []


def test_redis_url_puts_tasks_cache_and_sessions_on_that_redis():
    url = "redis://:a-password@redis.internal:6379/2"
    found = _settings_with(REDIS_URL=url)
    assert found["tasks"] == "django_tasks_rq.RQBackend"
    assert found["rq_queues"]["default"]["URL"] == url
    # RQ would stop a job after 3 minutes by default; big imports and exports run longer.
    assert found["rq_queues"]["default"]["DEFAULT_TIMEOUT"] == 2 * 60 * 60
    assert found["rq"] == {"JOB_CLASS": "django_tasks_rq.Job"}
    assert found["apps"] == ["django_rq", "django_tasks_rq"]
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["cache_location"] == url
    assert found["sessions"] == "django.contrib.sessions.backends.cached_db"


def test_tasks_immediate_wins_over_redis_url_for_the_queue_only():
    found = _settings_with(REDIS_URL="redis://127.0.0.1:6379/2", TASKS_IMMEDIATE="true")
    assert found["tasks"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_a_session_lives_in_redis_and_in_the_database(client, tutor, redis_db):
    response = client.post("/login/", {"username": tutor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/users/").status_code == 200
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert any(session_key in key.decode() for key in redis_db.keys("portal:*"))
    # Written through to the database too: a Redis restart signs nobody out.
    assert Session.objects.filter(session_key=session_key).exists()


def test_sign_in_lockout_still_works_on_the_redis_cache(client, tutor, redis_db, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        client.post("/login/", {"username": tutor.email, "password": "wrong-password"})
    response = client.post("/login/", {"username": tutor.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "This account is locked" in response.content.decode()
