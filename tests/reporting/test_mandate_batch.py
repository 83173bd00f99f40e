"""Mandates (PDF) for the learners of a Users search: a file export job whose task renders one
PDF per learner into a ZIP, as its creator, with progress per learner; a learner whose mandate
cannot be made is listed in problems.txt; a search above PDF_BATCH_MAX_LEARNERS is refused."""

import io
import re
import zipfile
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.messages import get_messages
from django.core.management import call_command
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from audit.models import AuditEntry
from portal import mandate_batch
from reporting import tasks
from reporting.models import FileExport
from tests.factories import UserFactory
from users.models import User

URL = "/users/mandates/"


@pytest.fixture
def database_tasks(settings, monkeypatch):
    """The production default: the job waits in the database until a worker (in this process,
    keeping the test's connection: see tests/programmes/ilr/test_export_tasks.py) takes it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def _learners(tree, n: int, group: str = "cohort") -> list[User]:
    return [
        UserFactory(first_name=f"Mina{i}", last_name=f"Mandate{i}", groups=[tree[group]])
        for i in range(n)
    ]


def _start(client, query: dict | None = None) -> FileExport:
    response = client.post(URL + "?" + urlencode(query or {}))
    assert response.status_code == 302
    job = FileExport.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    return job


def _zip(client, job: FileExport) -> zipfile.ZipFile:
    response = client.get(f"/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _pdf_text(archive: zipfile.ZipFile, name: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(archive.open(name)).pages)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Who may start a batch -------------------------------------------------------------------


def test_anonymous_is_redirected_to_login(client, db):
    assert client.post(URL)["Location"].startswith("/login/")


def test_a_colleague_without_data_export_gets_403_and_no_job(as_user, colleague, tree):
    _learners(tree, 1)
    assert as_user(colleague).post(URL).status_code == 403
    assert not FileExport.objects.exists()


def test_a_signed_in_learner_gets_403(as_user, learner):
    assert as_user(learner).post(URL).status_code == 403


def test_a_get_makes_no_job(as_user, tutor, tree):
    _learners(tree, 1)
    assert as_user(tutor).get(URL).status_code == 405
    assert not FileExport.objects.exists()


def test_the_button_is_shown_only_to_those_who_may_export(as_user, tutor, colleague, tree):
    _learners(tree, 1)
    assert f'action="{URL}?' in as_user(tutor).get("/users/").text
    assert URL not in as_user(colleague).get("/users/").text


def test_an_outsiders_batch_holds_only_the_learners_of_their_scope(as_user, outsider, tree):
    _learners(tree, 2)  # North: not the outsider's
    theirs = UserFactory(first_name="Sian", last_name="South", groups=[tree["south"]])
    UserFactory(user_type=User.Type.EMPLOYER, last_name="Employer", groups=[tree["south"]])
    client = as_user(outsider)
    job = _start(client)  # the immediate backend runs it in the request
    job.refresh_from_db()
    assert (job.status, job.row_count) == (FileExport.Status.READY, 1), job.error
    assert _zip(client, job).namelist() == [f"South-Sian-{theirs.pk}.pdf"]


def test_a_search_with_no_learners_makes_no_job(as_user, tutor, tree):
    response = as_user(tutor).post(URL + "?name=nobody")
    assert response["Location"] == "/users/?name=nobody"
    assert "no learners" in _messages(response)[0]
    assert not FileExport.objects.exists()


def test_invalid_filters_make_no_job(as_user, tutor, tree):
    _learners(tree, 1)
    response = as_user(tutor).post(URL + "?groups=99999")
    assert response.status_code == 302
    assert _messages(response) == ["Fix the search filters before making mandates."]
    assert not FileExport.objects.exists()


# --- The cap ------------------------------------------------------------------------------


def test_a_search_above_the_cap_is_refused_with_a_message_and_no_job(
    as_user, tutor, tree, settings
):
    settings.PDF_BATCH_MAX_LEARNERS = 2
    _learners(tree, 3)
    response = as_user(tutor).post(URL + "?name=mandate")
    assert response["Location"] == "/users/?name=mandate"
    [message] = _messages(response)
    assert "more than 2 learners" in message
    assert "Narrow the filters" in message
    assert not FileExport.objects.exists()


def test_the_cap_is_checked_again_when_the_task_runs(
    as_user, tutor, tree, settings, database_tasks
):
    _learners(tree, 3)
    job = _start(as_user(tutor))
    settings.PDF_BATCH_MAX_LEARNERS = 2
    _run_worker()
    job.refresh_from_db()
    assert job.status == FileExport.Status.FAILED
    assert "Narrow the filters" in job.error
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


# --- A batch through the database queue ---------------------------------------------------


def test_a_batch_of_three_is_made_by_a_worker_into_a_zip_of_three_pdfs(
    as_user, tutor, tree, database_tasks
):
    learners = _learners(tree, 3)
    UserFactory(user_type=User.Type.EMPLOYER, last_name="Mandate-employer", groups=[tree["leeds"]])
    client = as_user(tutor)
    job = _start(client, {"name": "mandate", "sort": "name"})
    # Only queued: the page polls, counting learners (employers have no mandate).
    assert job.status == FileExport.Status.WAITING
    assert job.label == "Mandates (PDF): user name mandate"
    assert DBTaskResult.objects.get().task_path == "reporting.tasks.run_file_export"
    page = client.get(f"/exports/{job.pk}/").text
    assert "every 2s" in page
    assert "0 of 3 learners" in page

    _run_worker()

    job.refresh_from_db()
    assert job.status == FileExport.Status.READY, job.error
    assert (job.row_count, job.rows_done, job.rows_total, job.attempts) == (3, 3, 3, 1)
    assert re.fullmatch(r"mandates-\d{8}-\d{4}-3-learners\.zip", job.file_name)
    assert f"Download {job.file_name} (3 learners," in client.get(f"/exports/{job.pk}/").text
    archive = _zip(client, job)
    assert archive.namelist() == [f"Mandate{i}-Mina{i}-{learners[i].pk}.pdf" for i in range(3)]
    for i, name in enumerate(archive.namelist()):
        assert f"Mina{i} Mandate{i}" in _pdf_text(archive, name)


def test_each_pdf_is_logged_as_access_on_its_learners_trail(as_user, tutor, tree, database_tasks):
    learners = _learners(tree, 3)
    _start(as_user(tutor))
    _run_worker()
    for learner in learners:
        entry = AuditEntry.objects.filter(learner=learner, action=AuditEntry.Action.ACCESS).get()
        assert entry.actor == tutor
        assert entry.changes_dict["mandate"][1] == "Mandate PDF prepared"


def test_progress_is_written_on_the_job_row_after_each_learner(as_user, tutor, tree, monkeypatch):
    _learners(tree, 3)
    seen = []
    real = mandate_batch.mandate_pdf

    def spying(*, learner, actor):
        seen.append(FileExport.objects.values_list("rows_done", "rows_total").get())
        return real(learner=learner, actor=actor)

    monkeypatch.setattr(mandate_batch, "mandate_pdf", spying)
    _start(as_user(tutor))
    assert seen == [(0, 3), (1, 3), (2, 3)]


def test_the_job_page_counts_learners_while_it_runs(as_user, tutor):
    job = FileExport.objects.create(
        kind="mandates",
        label="Mandates (PDF): default search",
        created_by=tutor,
        status=FileExport.Status.RUNNING,
        rows_done=12,
        rows_total=312,
    )
    assert "12 of 312 learners" in as_user(tutor).get(f"/exports/{job.pk}/").text


def test_a_learner_whose_mandate_cannot_be_made_is_listed_in_problems_txt(
    as_user, tutor, tree, monkeypatch, database_tasks
):
    learners = _learners(tree, 3)
    broken = learners[1]
    real = mandate_batch.mandate_pdf

    def failing_for_one(*, learner, actor):
        # Stands for data WeasyPrint or the template cannot cope with.
        if learner.pk == broken.pk:
            raise ValueError("unreadable address")
        return real(learner=learner, actor=actor)

    monkeypatch.setattr(mandate_batch, "mandate_pdf", failing_for_one)
    client = as_user(tutor)
    job = _start(client)
    _run_worker()

    job.refresh_from_db()
    assert job.status == FileExport.Status.READY, job.error
    assert job.file_name.endswith("-2-learners.zip")
    archive = _zip(client, job)
    assert sorted(archive.namelist()) == sorted(
        [pdf for pdf in (mandate_batch.pdf_name(x) for x in learners) if "Mandate1" not in pdf]
        + ["problems.txt"]
    )
    problems = archive.read("problems.txt").decode()
    assert "1 of 3 learners has no mandate in this file" in problems
    assert f"Mandate1, Mina1 (ID {broken.pk})" in problems
    assert "ValueError: unreadable address" in problems
    # Only the mandates made were read.
    assert not AuditEntry.objects.filter(learner=broken, action=AuditEntry.Action.ACCESS).exists()


def test_a_batch_with_no_problems_has_no_problems_txt(as_user, tutor, tree):
    _learners(tree, 1)
    client = as_user(tutor)
    job = _start(client)
    assert "problems.txt" not in _zip(client, job).namelist()


# --- Re-checked when the task runs, and idempotent -----------------------------------------


def test_a_creator_who_lost_data_export_before_the_worker_ran_gets_a_failed_job(
    as_user, tutor, tree, database_tasks
):
    _learners(tree, 2)
    job = _start(as_user(tutor))
    tutor.roles.remove(Role.objects.get(name="Data Export"))
    _run_worker()
    job.refresh_from_db()
    assert job.status == FileExport.Status.FAILED
    assert "no longer hold the permission" in job.error
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_a_learner_moved_out_of_scope_before_the_worker_ran_is_left_out(
    as_user, tutor, tree, database_tasks
):
    mine, moved = _learners(tree, 2)
    client = as_user(tutor)
    job = _start(client)
    moved.groups.set([tree["south"]])
    _run_worker()
    job.refresh_from_db()
    assert job.row_count == 1
    assert _zip(client, job).namelist() == [mandate_batch.pdf_name(mine)]


def test_running_the_task_again_changes_nothing(as_user, tutor, tree, database_tasks):
    _learners(tree, 2)
    job = _start(as_user(tutor))
    tasks.run_file_export.enqueue(job.pk)  # queued twice, or redelivered
    _run_worker()
    job.refresh_from_db()
    first = (job.status, job.sha256, job.file.name, job.finished_at, job.attempts)
    assert first[0] == FileExport.Status.READY
    accesses = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    assert accesses == 2

    tasks.run_file_export.enqueue(job.pk)
    _run_worker()

    job.refresh_from_db()
    assert (job.status, job.sha256, job.file.name, job.finished_at, job.attempts) == first
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == accesses
    assert [r.return_value for r in DBTaskResult.objects.order_by("enqueued_at")][1:] == [
        "skipped",
        "skipped",
    ]
