"""Restarts lose nothing: kill the worker process in the middle of an ILR import, start another,
and the job finishes with every learner imported once (issue 12, point 5).

The worker is a real ``manage.py db_worker`` process reading the test database, so this runs on
PostgreSQL only (pytest-django's SQLite test database lives in the test process's memory).
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from lxml import etree

from programmes.ilr import xml_file
from programmes.ilr.import_models import IlrImport
from programmes.ilr.models import IlrLearner
from users.models import User

from .samples import NS, _valid_uln, distinct_sample
from .test_import import _post, _upload

# Skipped before any database is set up: a transactional test's flush is not free on SQLite.
# It runs on its own (RUN_WORKER_PROCESS_TESTS=1, a separate step of .ci/run): the killed
# worker's process and the second worker write to the test database outside pytest's control,
# which can leave content types that the next transactional test in the same run trips over.
pytestmark = [
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="a worker process shares the test database only on PostgreSQL",
    ),
    pytest.mark.skipif(
        os.environ.get("RUN_WORKER_PROCESS_TESTS") != "1",
        reason="runs as its own step (RUN_WORKER_PROCESS_TESTS=1), see the module docstring",
    ),
    pytest.mark.django_db(transaction=True),
]

DATABASE_BACKEND = {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """An earlier transactional test's flush re-creates the content types under new ids, but
    this process's ContentType cache may still hold the old ones (the audit entries written
    while the fixtures are made would then point at a missing row). Start from the table."""
    ContentType.objects.clear_cache()


def _many_learners(copies: int) -> bytes:
    """The 19 distinct sample learners ``copies`` times over, each copy a different person."""
    root = etree.fromstring(distinct_sample(), xml_file.safe_parser())
    originals = list(root.iterfind(f"{{{NS}}}Learner"))
    for node in root.iterfind(f"{{{NS}}}LearnerDestinationandProgression"):
        root.remove(node)
    for node in originals:
        root.remove(node)
    uln = 1100000000
    for copy in range(copies):
        for number, original in enumerate(originals):
            node = etree.fromstring(etree.tostring(original))
            node.find(f"{{{NS}}}LearnRefNumber").text = f"K{copy:03d}{number:02d}"
            uln = int(_valid_uln(uln + 1))
            node.find(f"{{{NS}}}ULN").text = str(uln)
            ni_number = node.find(f"{{{NS}}}NINumber")
            if ni_number is not None:
                node.remove(ni_number)
            given = node.find(f"{{{NS}}}GivenNames")
            given.text = f"{given.text}{chr(97 + copy // 26)}{chr(97 + copy % 26)}"
            root.append(node)
    # Learners come before any destination record in the schema's order: append keeps that.
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _worker(*arguments: str) -> subprocess.Popen:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
    }
    env.pop("TASKS_IMMEDIATE", None)
    # --no-reload: the autoreloader would run the worker in a child process that outlives a kill.
    command = [
        sys.executable,
        "manage.py",
        "db_worker",
        "--no-startup-delay",
        "--no-reload",
        *arguments,
    ]
    return subprocess.Popen(
        command, cwd=Path(django_settings.BASE_DIR), env=env, start_new_session=True
    )


def _wait_for(condition, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        time.sleep(0.2)


def test_killing_the_worker_midway_and_starting_another_finishes_the_import(
    as_user, supervisor, tree, settings, tmp_path
):
    settings.TASKS = {"default": DATABASE_BACKEND}
    settings.MEDIA_ROOT = tmp_path
    client = as_user(supervisor)
    _post(client, tree, file=_upload(_many_learners(copies=8)))
    job = IlrImport.objects.get()
    assert (job.status, job.total) == (IlrImport.Status.QUEUED, 152)

    first = _worker("--interval", "0.1")
    try:
        _wait_for(lambda: IlrImport.objects.get(pk=job.pk).done >= 10)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # no clean shutdown: the process just dies
        first.wait(timeout=30)

    job.refresh_from_db()
    assert job.status == IlrImport.Status.RUNNING
    assert 10 <= job.done < job.total
    saved = set(job.rows.filter(committed=True).values_list("learn_ref_number", flat=True))
    # Exactly the learners with a report row were saved: the one in progress was rolled back.
    assert set(IlrLearner.objects.values_list("learn_ref_number", flat=True)) == saved

    # Minutes later the job's page notices the silence and queues the job again.
    IlrImport.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - settings.TASKS_STALLED_AFTER - datetime.timedelta(seconds=1)
    )
    client.get(f"/programmes/ilrs/imports/{job.pk}/")
    job.refresh_from_db()
    assert job.status == IlrImport.Status.QUEUED

    second = _worker("--batch")
    assert second.wait(timeout=180) == 0

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (IlrImport.Status.DONE, 152, 2)
    assert list(job.rows.values_list("position", flat=True)) == list(range(1, 153))
    assert set(job.rows.values_list("outcome", flat=True)) == {"created"}
    assert IlrLearner.objects.count() == 152
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 152
