"""A large ILR import fans out into chunk tasks, so a second worker shares the work: the job's
first task queues one task per 250 learners, the last chunk to finish closes the job, and a
chunk run twice changes nothing (issue 12: a second worker is useful for an import)."""

import pytest
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from lxml import etree

from audit.models import AuditEntry
from programmes.ilr import import_tasks, xml_file
from programmes.ilr.import_models import IlrImport
from programmes.ilr.models import IlrLearner
from users.email_models import OutboundEmail
from users.models import User

from .samples import NS, distinct_sample
from .test_import import _post, _upload
from .test_import_worker import _many_learners

CHUNK_TASK = "programmes.ilr.import_tasks.run_import_chunk"


@pytest.fixture(autouse=True)
def _database_tasks(settings, tmp_path, monkeypatch):
    # As in test_export_tasks: the worker runs in this process and keeps the test's connection.
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _worker_pass(*arguments: str) -> None:
    """One worker, in this process: it runs the tasks waiting (up to --max-tasks), then stops."""
    call_command(
        "db_worker", "--batch", "--no-reload", "--no-startup-delay", *arguments, verbosity=0
    )


def _twenty_four_learners() -> bytes:
    root = etree.fromstring(_many_learners(copies=2), xml_file.safe_parser())
    for node in list(root.iterfind(f"{{{NS}}}Learner"))[24:]:
        root.remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _chunk_tasks() -> list[list]:
    tasks = DBTaskResult.objects.filter(task_path=CHUNK_TASK).order_by("enqueued_at", "pk")
    return [task.args_kwargs["args"] for task in tasks]


def test_a_file_is_imported_as_chunk_tasks_finished_by_two_worker_passes(
    as_user, supervisor, tree, django_capture_on_commit_callbacks, monkeypatch
):
    # 24 learners in chunks of 10 stand for 600 in chunks of 250: the same three chunks, a
    # fraction of the time.
    monkeypatch.setattr(import_tasks, "CHUNK_SIZE", 10)
    _post(as_user(supervisor), tree, file=_upload(_twenty_four_learners()))
    job = IlrImport.objects.get()
    assert (job.status, job.total) == (IlrImport.Status.QUEUED, 24)

    with django_capture_on_commit_callbacks(execute=True):
        # The first pass takes the job's first task and one chunk, as one of two workers would.
        _worker_pass("--max-tasks", "2")
        job.refresh_from_db()
        assert _chunk_tasks() == [[job.pk, 1, 10], [job.pk, 11, 20], [job.pk, 21, 24]]
        assert (job.status, job.done, job.attempts) == (IlrImport.Status.RUNNING, 10, 1)
        assert job.rows.count() == 10

        _worker_pass()

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts, job.error) == (IlrImport.Status.DONE, 24, 1, "")
    assert job.finished_at is not None
    assert list(job.rows.values_list("position", flat=True)) == list(range(1, 25))
    assert set(job.rows.values_list("outcome", "committed")) == {("created", True)}
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 24
    import_tasks_run = DBTaskResult.objects.filter(task_path__startswith="programmes.ilr.import")
    assert set(import_tasks_run.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # Closed once, by the last chunk: one email to say so (queued for the next worker pass).
    assert OutboundEmail.objects.filter(recipient=supervisor).count() == 1


def test_running_a_chunk_again_changes_nothing(as_user, supervisor, tree, monkeypatch):
    monkeypatch.setattr(import_tasks, "CHUNK_SIZE", 5)
    _post(as_user(supervisor), tree, file=_upload(distinct_sample()))
    _worker_pass()
    job = IlrImport.objects.get()
    assert (job.status, job.done) == (IlrImport.Status.DONE, 19)
    assert [args[1:] for args in _chunk_tasks()] == [[1, 5], [6, 10], [11, 15], [16, 19]]
    rows = list(job.rows.values_list("pk", "position", "saved_learner_id", "outcome"))
    learners = list(IlrLearner.objects.values_list("pk", "version"))
    entries = AuditEntry.objects.count()
    # As if a worker thought gone ran its chunk again while the job was still running.
    IlrImport.objects.filter(pk=job.pk).update(status=IlrImport.Status.RUNNING)

    import_tasks.run_import_chunk.call(job.pk, 6, 10)

    job.refresh_from_db()
    assert (job.status, job.done) == (IlrImport.Status.DONE, 19)
    assert list(job.rows.values_list("pk", "position", "saved_learner_id", "outcome")) == rows
    assert list(IlrLearner.objects.values_list("pk", "version")) == learners
    assert AuditEntry.objects.count() == entries


def test_a_job_whose_learners_all_have_rows_is_closed_by_its_first_task_without_chunks(
    as_user, supervisor, tree
):
    _post(as_user(supervisor), tree, file=_upload(distinct_sample()))
    _worker_pass()
    job = IlrImport.objects.get()
    IlrImport.objects.filter(pk=job.pk).update(status=IlrImport.Status.FAILED, error="stopped")
    DBTaskResult.objects.all().delete()

    import_tasks.run_import.call(job.pk)

    job.refresh_from_db()
    assert (job.status, job.done, job.error) == (IlrImport.Status.DONE, 19, "")
    assert not DBTaskResult.objects.exists()


def test_the_same_person_twice_in_different_chunks_is_created_once(
    as_user, supervisor, tree, monkeypatch
):
    monkeypatch.setattr(import_tasks, "CHUNK_SIZE", 10)
    root = etree.fromstring(distinct_sample(), xml_file.safe_parser())
    learners = list(root.iterfind(f"{{{NS}}}Learner"))
    again = etree.fromstring(etree.tostring(learners[0]))
    again.find(f"{{{NS}}}LearnRefNumber").text = "Again"
    # Position 20, in the second chunk; the first learner is in the first one.
    learners[-1].addnext(again)
    _post(as_user(supervisor), tree, file=_upload(etree.tostring(root, xml_declaration=True)))

    _worker_pass()

    job = IlrImport.objects.get()
    assert (job.status, job.done) == (IlrImport.Status.DONE, 20)
    first, last = job.rows.get(position=1), job.rows.get(position=20)
    assert (first.outcome, last.outcome) == ("created", "rejected")
    # The first learner's user and ILR were there when the second copy was checked.
    assert "already has a 2025-26 ILR" in last.errors[0]
    assert [d["pk"] for d in last.duplicates] == [first.saved_learner_id]
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 19
