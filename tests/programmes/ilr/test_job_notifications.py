"""The administrator who started an ILR import or export is emailed once when it finishes, through
the outbox, with an absolute link (settings.SITE_URL) to the job's page."""

import pytest
from django.contrib.auth.models import Group as Role

from programmes.ilr import importing
from programmes.ilr.import_models import IlrImport
from programmes.ilr.models import IlrExport
from tests.factories import EnrolmentFactory, ProgrammeFactory, make_ilr
from users.email_models import OutboundEmail

from .samples import distinct_sample
from .test_import import _post, _upload


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://portal.example.org/"


def test_a_finished_import_emails_its_creator_once_with_a_link_to_the_report(
    as_user, supervisor, tree, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _post(as_user(supervisor), tree, file=_upload(distinct_sample(), name="Autumn.xml"))
    job = IlrImport.objects.get()
    assert job.status == IlrImport.Status.DONE
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [supervisor.email]
    assert message.subject == "ILR import of Autumn.xml: finished"
    assert "Your ILR import of Autumn.xml has finished: 19 saved, 0 with errors." in message.body
    assert f"https://portal.example.org/programmes/ilrs/imports/{job.pk}/" in message.body
    email = OutboundEmail.objects.get()
    assert (email.kind, email.recipient, email.status) == ("NOTIFICATION", supervisor, "SENT")


def test_a_stopped_import_emails_its_creator_with_the_reason(
    as_user, supervisor, tree, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "import_learner", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _post(as_user(supervisor), tree, file=_upload(distinct_sample(), name="Autumn.xml"))
    assert IlrImport.objects.get().status == IlrImport.Status.FAILED
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert "Your ILR import of Autumn.xml stopped: 0 saved, 0 with errors." in body
    assert "RuntimeError: disk full" in body


@pytest.fixture
def ilr_manager(tutor):
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    return tutor


def test_a_ready_export_emails_its_creator_once_with_a_link(
    as_user, ilr_manager, learner, mailoutbox, django_capture_on_commit_callbacks
):
    EnrolmentFactory(learner=learner, programme=ProgrammeFactory(ilr_enabled=True))
    make_ilr(learner)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(ilr_manager).post(
            "/programmes/ilrs/export/", {"year": "2526", "include_unverified": "on"}
        )
    assert response.status_code == 302
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.READY, export.error or export.problems
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [ilr_manager.email]
    assert f"Your ILR export {export.file_name} is ready to download: 1 learner." in message.body
    assert f"https://portal.example.org/programmes/ilrs/exports/{export.pk}/" in message.body


def test_a_failed_export_emails_its_creator_the_reason(
    as_user, ilr_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(ilr_manager).post("/programmes/ilrs/export/", {"year": "2526"})
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.FAILED
    assert len(mailoutbox) == 1
    assert f"Your ILR export {export.file_name} failed." in mailoutbox[0].body
    assert "No learners are in scope for these filters." in mailoutbox[0].body
