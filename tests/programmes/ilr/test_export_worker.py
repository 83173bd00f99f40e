"""Restarts lose nothing: kill the worker process in the middle of an ILR export, and the job is
queued again by ``recover_jobs`` and finished by another worker, each learner exported once
(issue 12, point 5).

Like test_import_worker.py, the workers are real ``manage.py db_worker`` processes reading the
test database, so this runs on PostgreSQL only and in a pytest of its own
(RUN_WORKER_PROCESS_TESTS=1, a separate step of .ci/run).
"""

import datetime
import io
import os
import signal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from bench.ilr_export import create_learners, ensure_setup
from programmes.ilr import export_job, tasks, xml_file
from programmes.ilr.models import IlrExport, IlrLearner

from .test_import_worker import DATABASE_BACKEND, _fresh_content_types, _wait_for, _worker

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

# Four chunks of export_job.CHUNK learners: the worker is killed once the first is written.
LEARNERS = 4 * export_job.CHUNK

__all__ = ["_fresh_content_types"]  # the autouse fixture, shared with the import's test


def test_killing_the_worker_midway_and_recovering_finishes_the_export(settings, tmp_path):
    settings.TASKS = {"default": DATABASE_BACKEND}
    settings.MEDIA_ROOT = tmp_path
    viewer, group, programme = ensure_setup()
    create_learners(group, programme, 0, LEARNERS)
    export = tasks.export_start(
        viewer=viewer,
        year=xml_file.CURRENT.year,
        filters=export_job.ExportFilters(include_unverified=True),
    )
    assert (export.status, export.total) == (IlrExport.Status.PENDING, LEARNERS)

    first = _worker("--interval", "0.1")
    try:
        _wait_for(lambda: IlrExport.objects.get(pk=export.pk).done >= export_job.CHUNK)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # no clean shutdown: the process just dies
        first.wait(timeout=30)

    export.refresh_from_db()
    assert export.status == IlrExport.Status.RUNNING
    assert export_job.CHUNK <= export.done < LEARNERS
    assert not export.file

    # Minutes later the scheduled recovery notices the silence and queues the job again.
    IlrExport.objects.filter(pk=export.pk).update(
        heartbeat_at=timezone.now() - settings.TASKS_STALLED_AFTER - datetime.timedelta(seconds=1)
    )
    out = io.StringIO()
    call_command("recover_jobs", stdout=out)
    assert "1 stalled job recovered." in out.getvalue()
    export.refresh_from_db()
    assert export.status == IlrExport.Status.PENDING

    second = _worker("--batch")
    assert second.wait(timeout=240) == 0

    export.refresh_from_db()
    assert (export.status, export.done, export.total) == (
        IlrExport.Status.READY,
        LEARNERS,
        LEARNERS,
    ), export.error
    assert export.attempts == 2
    with export.file.open("rb") as handle:
        root = etree.parse(handle, xml_file.safe_parser()).getroot()
    refs = [node.text for node in root.iter(f"{{{xml_file.CURRENT.namespace}}}LearnRefNumber")]
    # Every learner once in the file, and marked exported.
    assert len(refs) == len(set(refs)) == LEARNERS
    assert IlrLearner.objects.filter(last_exported_at__isnull=True).count() == 0
