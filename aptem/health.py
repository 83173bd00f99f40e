"""What /health/ checks: the parts every web process needs to serve a page and queue work.

Each check raises when its part is down and is bounded in time, so a load balancer polling
every few seconds gets an answer before its own timeout, and a hung Redis reads as down.
"""

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq import RQBackend
from redis import Redis

logger = logging.getLogger(__name__)

# Seconds the queue check waits for Redis to connect and to answer PING.
REDIS_TIMEOUT_SECONDS = 2.0
STORAGE_PROBE = b"health probe\n"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_queue() -> None:
    """The task backend accepts work: its result table answers, or its Redis answers PING."""
    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        DBTaskResult.objects.exists()
    elif isinstance(backend, RQBackend):
        for queue_name in sorted(backend.queues):
            # A client of its own: RQ's shared connection waits without a limit (its workers
            # block on Redis for minutes by design).
            client = Redis.from_url(
                settings.RQ_QUEUES[queue_name]["URL"],
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
                socket_timeout=REDIS_TIMEOUT_SECONDS,
            )
            try:
                client.ping()
            finally:
                client.close()
    # The immediate backend runs tasks in the request itself: nothing to reach.


def check_storage() -> None:
    """Write, read back and delete a tiny file through the storage documents and exports use."""
    # A name of its own per probe, so web processes probing at once never share a file.
    name = default_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(STORAGE_PROBE))
    try:
        with default_storage.open(name, "rb") as probe:
            if probe.read() != STORAGE_PROBE:
                raise OSError("The storage returned other content than was written")
    finally:
        default_storage.delete(name)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "queue": check_queue,
    "storage": check_storage,
}


def health_report() -> dict[str, str]:
    """Each part as "ok" or "unavailable"; why one failed goes to the log, never to the answer
    (an unauthenticated page must not show hosts, paths or tracebacks)."""
    report = {}
    for part, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check: the %s is unavailable", part)
            report[part] = "unavailable"
        else:
            report[part] = "ok"
    return report
