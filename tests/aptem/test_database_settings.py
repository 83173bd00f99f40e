"""DATABASE_POOL_MAX_SIZE turns on psycopg's pool (Django's "pool" option) on PostgreSQL;
without it the connection settings stay as they were. Settings are read once at start-up, so
each case starts a Python of its own (no connection is opened)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
POSTGRES = "postgres://portal:secret@db.internal:5432/portal"

SHOW_DATABASE = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"],
    "conn_max_age": db["CONN_MAX_AGE"],
    "health_checks": db["CONN_HEALTH_CHECKS"],
    "pool": db.get("OPTIONS", {}).get("pool"),
}))
"""

VARIABLES = ("DATABASE_URL", "DATABASE_CONN_MAX_AGE", "DATABASE_POOL_MAX_SIZE")


def _run(**variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(VARIABLES)}
    env.update(DJANGO_SETTINGS_MODULE="aptem.settings", **variables)
    return subprocess.run(
        [sys.executable, "-c", SHOW_DATABASE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _database(**variables: str) -> dict:
    result = _run(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_by_default_each_request_opens_its_own_connection_and_there_is_no_pool():
    found = _database(DATABASE_URL=POSTGRES)
    assert found["conn_max_age"] == 0
    assert found["pool"] is None


def test_kept_connections_are_health_checked_before_reuse():
    found = _database(DATABASE_URL=POSTGRES, DATABASE_CONN_MAX_AGE="600")
    assert found["conn_max_age"] == 600
    assert found["health_checks"] is True


def test_pool_max_size_turns_on_psycopgs_pool_on_postgresql():
    found = _database(DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE="4", DATABASE_POOL_MIN_SIZE="2")
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["conn_max_age"] == 0
    assert found["pool"]["min_size"] == 2
    assert found["pool"]["max_size"] == 4
    assert found["pool"]["timeout"] == 10.0


def test_pool_min_size_never_exceeds_its_max_size():
    found = _database(DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE="1")
    assert found["pool"]["min_size"] == 1


def test_pool_and_persistent_connections_together_are_refused_with_a_clear_message():
    result = _run(DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE="4", DATABASE_CONN_MAX_AGE="600")
    assert result.returncode != 0
    assert "Set DATABASE_POOL_MAX_SIZE or DATABASE_CONN_MAX_AGE, not both." in result.stderr


def test_pool_on_sqlite_is_refused_with_a_clear_message():
    result = _run(DATABASE_URL="sqlite:////tmp/pool.sqlite3", DATABASE_POOL_MAX_SIZE="4")
    assert result.returncode != 0
    assert "DATABASE_POOL_MAX_SIZE needs a PostgreSQL DATABASE_URL." in result.stderr
