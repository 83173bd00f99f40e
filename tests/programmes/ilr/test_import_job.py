"""The ILR import as a job: learner by learner, a report of exactly what was saved when it stops,
Run again to finish, a vanished worker's job queued again, and who may see the job."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth.models import Group as Role
from django.utils import timezone

from audit.models import AuditEntry
from programmes.ilr import importing
from programmes.ilr.import_models import IlrImport, IlrImportRow
from programmes.ilr.models import IlrLearner
from users.models import User

from .samples import distinct_sample
from .test_import import _levy_only, _post, _upload


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _job_url(job: IlrImport, action: str = "") -> str:
    return f"/programmes/ilrs/imports/{job.pk}/{action}"


def _manage_ilrs(user):
    user.roles.add(Role.objects.get(name="Manage ILRs"))
    return user


def _stop_on_learner(monkeypatch, number: int, where: str = "after_save") -> None:
    """Make the import die on the ``number``th learner, as if its worker were killed there:
    while the learner's user and ILR are being written ("in_save"), or once they are written
    and checked, before the learner's report row ("after_save")."""
    target = (importing, "_create") if where == "in_save" else (importing.rules, "check_learner")
    real = getattr(*target)
    calls = {"n": 0}

    def dying(*args, **kwargs):
        result = real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == number:
            raise RuntimeError("worker lost")
        return result

    monkeypatch.setattr(*target, dying)


# --- The flow ----------------------------------------------------------------------------------


def test_an_upload_becomes_a_job_that_imports_every_learner_and_reports_each_one(
    as_user, supervisor, tree
):
    client = as_user(supervisor)
    response = _post(client, tree, file=_upload(distinct_sample(), name="Autumn.xml"))
    job = IlrImport.objects.get()
    assert response["Location"] == _job_url(job)
    assert (job.status, job.total, job.done, job.attempts) == (IlrImport.Status.DONE, 19, 19, 1)
    assert (job.file_name, job.created_by, job.group) == ("Autumn.xml", supervisor, tree["cohort"])
    assert job.file.name.startswith("ilr-imports/")
    assert "Autumn" not in job.file.name
    assert len(job.sha256) == 64
    assert list(job.rows.values_list("position", flat=True)) == list(range(1, 20))
    assert set(job.rows.values_list("outcome", "committed")) == {("created", True)}
    page = client.get(_job_url(job)).content.decode()
    assert "Import finished: 19 created, 0 matched to existing users" in page
    assert "hx-get" not in page  # a finished job stops polling


def test_each_imported_learner_has_an_audit_entry_by_the_importer(as_user, supervisor, tree):
    client = as_user(supervisor)
    _post(client, tree, file=_upload(distinct_sample()))
    for row in IlrImportRow.objects.all():
        assert AuditEntry.objects.filter(learner_id=row.saved_learner_id, actor=supervisor).exists()


def test_a_job_in_progress_polls_with_htmx_and_shows_its_progress(as_user, supervisor, tree):
    client = as_user(supervisor)
    _post(client, tree, file=_upload(_levy_only()))
    job = IlrImport.objects.get()
    IlrImport.objects.filter(pk=job.pk).update(
        status=IlrImport.Status.RUNNING, heartbeat_at=timezone.now(), done=0, total=3
    )
    page = client.get(_job_url(job)).content.decode()
    assert f'hx-get="{_job_url(job)}"' in page
    assert "Learners handled: 0 of 3" in page
    partial = client.get(_job_url(job), headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="import-status"')
    assert "<html" not in partial


# --- Stopping midway and finishing -------------------------------------------------------------


@pytest.mark.parametrize("where", ["in_save", "after_save"])
def test_a_job_stopped_midway_lists_exactly_the_learners_it_saved(
    as_user, supervisor, tree, monkeypatch, where
):
    _stop_on_learner(monkeypatch, 6, where)
    client = as_user(supervisor)
    _post(client, tree, file=_upload(distinct_sample()))
    job = IlrImport.objects.get()
    assert job.status == IlrImport.Status.FAILED
    assert "stopped after 5 of 19 learners (RuntimeError: worker lost)" in job.error
    saved_refs = set(job.rows.values_list("learn_ref_number", flat=True))
    assert len(saved_refs) == 5
    assert set(job.rows.values_list("committed", flat=True)) == {True}
    # The sixth learner's user and ILR were rolled back with its (never written) row.
    assert set(IlrLearner.objects.values_list("learn_ref_number", flat=True)) == saved_refs
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 5
    page = client.get(_job_url(job)).content.decode()
    assert "5 of 19 learners were handled" in page
    assert "Run again to finish" in page
    for ref in saved_refs:
        assert f"<td>{ref}</td>" in page


def test_running_a_stopped_job_again_finishes_the_rest_without_duplicates(
    as_user, supervisor, tree, monkeypatch
):
    _stop_on_learner(monkeypatch, 6)
    client = as_user(supervisor)
    _post(client, tree, file=_upload(distinct_sample()))
    job = IlrImport.objects.get()
    first_rows = {row.position: (row.pk, row.saved_learner_id) for row in job.rows.all()}
    monkeypatch.undo()

    response = client.post(_job_url(job, "again/"))

    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    job.refresh_from_db()
    assert (job.status, job.done, job.error) == (IlrImport.Status.DONE, 19, "")
    assert list(job.rows.values_list("position", flat=True)) == list(range(1, 20))
    assert {r.position: (r.pk, r.saved_learner_id) for r in job.rows.all()[:5]} == first_rows
    assert IlrLearner.objects.count() == 19
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 19
    assert set(job.rows.values_list("outcome", flat=True)) == {"created"}
    for row in job.rows.filter(position__gt=5):
        assert AuditEntry.objects.filter(learner_id=row.saved_learner_id, actor=supervisor).exists()


def test_a_finished_job_is_not_run_again(as_user, supervisor, tree):
    client = as_user(supervisor)
    _post(client, tree, file=_upload(_levy_only()))
    job = IlrImport.objects.get()
    response = client.post(_job_url(job, "again/"), follow=True)
    assert "Only an import that stopped before the end can be run again." in (
        response.content.decode()
    )
    job.refresh_from_db()
    assert (job.attempts, job.rows.count()) == (1, 1)


# --- A worker that vanished --------------------------------------------------------------------


def _vanished(job: IlrImport, attempts: int) -> None:
    """The job as a killed worker leaves it: running, its rows so far, no heartbeat since."""
    IlrImport.objects.filter(pk=job.pk).update(
        status=IlrImport.Status.RUNNING,
        attempts=attempts,
        heartbeat_at=timezone.now() - settings.TASKS_STALLED_AFTER - datetime.timedelta(seconds=1),
        finished_at=None,
    )


def test_a_job_whose_worker_vanished_is_queued_again_and_finishes(
    as_user, supervisor, tree, monkeypatch
):
    _stop_on_learner(monkeypatch, 6)
    client = as_user(supervisor)
    _post(client, tree, file=_upload(distinct_sample()))
    monkeypatch.undo()
    job = IlrImport.objects.get()
    _vanished(job, attempts=1)

    client.get(_job_url(job))  # the page's poll notices the silence

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == (IlrImport.Status.DONE, 19, 2)
    assert IlrLearner.objects.count() == 19


def test_a_job_whose_worker_keeps_vanishing_fails_with_the_reason(
    as_user, supervisor, tree, settings
):
    client = as_user(supervisor)
    _post(client, tree, file=_upload(_levy_only()))
    job = IlrImport.objects.get()
    _vanished(job, attempts=settings.TASKS_MAX_ATTEMPTS)

    page = client.get(_job_url(job)).content.decode()

    job.refresh_from_db()
    assert job.status == IlrImport.Status.FAILED
    assert "stopped answering 3 times" in job.error
    assert "Run again to finish" in page


def test_a_running_job_with_a_recent_heartbeat_is_left_alone(as_user, supervisor, tree):
    client = as_user(supervisor)
    _post(client, tree, file=_upload(_levy_only()))
    job = IlrImport.objects.get()
    IlrImport.objects.filter(pk=job.pk).update(
        status=IlrImport.Status.RUNNING, heartbeat_at=timezone.now()
    )
    client.get(_job_url(job))
    job.refresh_from_db()
    assert (job.status, job.attempts) == (IlrImport.Status.RUNNING, 1)


# --- Who may see and run a job -----------------------------------------------------------------


@pytest.fixture
def job(as_user, tutor, tree):
    client = as_user(_manage_ilrs(tutor))
    _post(client, tree, file=_upload(_levy_only()))
    job = IlrImport.objects.get()
    IlrImport.objects.filter(pk=job.pk).update(status=IlrImport.Status.FAILED)
    client.logout()
    return job


def test_anonymous_is_sent_to_login_from_the_job_pages(client, job):
    for response in (client.get(_job_url(job)), client.post(_job_url(job, "again/"))):
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_without_manage_ilrs_the_job_pages_are_refused(as_user, colleague, job):
    client = as_user(colleague)
    assert client.get(_job_url(job)).status_code == 403
    assert client.post(_job_url(job, "again/")).status_code == 403


def test_another_administrators_job_is_not_found(as_user, outsider, job):
    client = as_user(_manage_ilrs(outsider))
    assert client.get(_job_url(job)).status_code == 404
    assert client.post(_job_url(job, "again/")).status_code == 404
    job.refresh_from_db()
    assert job.status == IlrImport.Status.FAILED


def test_the_author_and_a_supervisor_see_the_job(as_user, tutor, supervisor, job):
    assert as_user(tutor).get(_job_url(job)).status_code == 200
    assert as_user(supervisor).get(_job_url(job)).status_code == 200


def test_the_author_may_run_a_stopped_job_again(as_user, tutor, job):
    response = as_user(tutor).post(_job_url(job, "again/"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == IlrImport.Status.DONE


def test_running_again_is_a_post_only_action(as_user, tutor, job):
    assert as_user(tutor).get(_job_url(job, "again/")).status_code == 405


def test_manage_ilrs_lists_the_viewers_own_imports_with_links_to_them(
    as_user, tutor, outsider, supervisor, job
):
    page = as_user(tutor).get("/programmes/ilrs/").content.decode()
    assert f'<a href="{_job_url(job)}">ILR.xml</a>' in page
    assert "<td>Failed</td>" in page
    assert _job_url(job) in as_user(supervisor).get("/programmes/ilrs/").content.decode()
    other = as_user(_manage_ilrs(outsider)).get("/programmes/ilrs/").content.decode()
    assert _job_url(job) not in other
    assert "No imports yet." in other


def test_the_recovery_command_queues_a_silent_job_again_without_anyone_on_its_page(
    as_user, supervisor, tree
):
    from django.core.management import call_command

    _post(as_user(supervisor), tree, file=_upload(_levy_only()))
    job = IlrImport.objects.get()
    IlrImportRow.objects.all().delete()
    IlrLearner.objects.all().delete()
    _vanished(job, attempts=1)

    call_command("recover_jobs", stdout=io.StringIO())

    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows.count()) == (IlrImport.Status.DONE, 2, 1)
