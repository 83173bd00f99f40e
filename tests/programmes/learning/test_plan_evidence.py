import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from programmes.learning.models import EvidenceItem
from tests.factories import LearnerComponentFactory
from tests.sample_files import pdf_bytes

from .conftest import START

PDF = pdf_bytes()  # a real one-page PDF: uploads must open as what they claim


@pytest.fixture(autouse=True)
def _media_and_today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def component(enrolment):
    return LearnerComponentFactory(enrolment=enrolment, code="S1")


def add_url(learner):
    return f"/users/{learner.pk}/learning-plan/evidence/add/"


def decide_url(item):
    return f"/users/{item.learner_id}/learning-plan/evidence/{item.pk}/decision/"


def download_url(item):
    return f"/users/{item.learner_id}/learning-plan/evidence/{item.pk}/download/"


def good(component, **extra):
    return {
        "component": component.pk,
        "description": "Sales dashboard report",
        "date": "2026-02-25",
        "upload": SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
        **extra,
    }


def test_anonymous_is_redirected_to_login(client, learner, component):
    assert client.post(add_url(learner), good(component))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, component):
    assert as_user(outsider).post(add_url(learner), good(component)).status_code == 404


def test_without_edit_learning_plan_gets_403(as_user, tutor, learner, component):
    assert as_user(tutor).post(add_url(learner), good(component)).status_code == 403
    assert not EvidenceItem.objects.exists()


def test_adding_evidence_stores_the_checked_file_privately_and_audits(
    as_user, plan_editor, learner, component, tmp_path
):
    response = as_user(plan_editor).post(add_url(learner), good(component))
    assert response.status_code == 302
    item = EvidenceItem.objects.get()
    assert (item.original_name, item.content_type, item.size) == (
        "report.pdf",
        "application/pdf",
        len(PDF),
    )
    assert item.file.name.startswith("evidence/")
    assert "report" not in item.file.name
    assert len(item.sha256) == 64
    with item.file.open("rb") as stored:  # through the storage: MEDIA_ROOT or the S3 bucket
        assert stored.read() == PDF
    assert item.decision == EvidenceItem.Decision.PENDING
    entry = AuditEntry.objects.get_for_object(item).get()
    assert entry.learner == learner
    assert entry.actor == plan_editor


def test_evidence_without_a_file_is_fine(as_user, plan_editor, learner, component):
    data = good(component)
    del data["upload"]
    assert as_user(plan_editor).post(add_url(learner), data).status_code == 302
    assert not EvidenceItem.objects.get().file


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"upload": SimpleUploadedFile("report.pdf", b"not a pdf at all")},
            "upload",
            "not a .pdf file",
        ),
        (
            {"upload": SimpleUploadedFile("run.exe", b"MZ...")},
            "upload",
            "Upload a file of one of these types",
        ),
        ({"date": "2026-03-05"}, "date", "cannot be in the future"),
        ({"date": "2025-12-01"}, "date", "before the programme started"),
        ({"description": ""}, "description", "This field is required."),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(
    as_user, plan_editor, learner, component, extra, field, message, tmp_path
):
    response = as_user(plan_editor).post(add_url(learner), good(component, **extra))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not EvidenceItem.objects.exists()
    assert not (tmp_path / "evidence").exists()


def test_another_learners_component_is_not_a_choice(as_user, plan_editor, learner, component):
    other = LearnerComponentFactory()
    data = {**good(component), "component": other.pk}
    response = as_user(plan_editor).post(add_url(learner), data)
    assert "Select a valid choice" in response.context["form"].errors["component"][0]


@pytest.fixture
def item(learner, component, plan_editor):
    return EvidenceItem.objects.create(
        learner=learner,
        component=component,
        description="Report",
        date=START,
        created_by=plan_editor,
    )


def test_deciding_needs_assess_evidence(as_user, tutor, outsider, item):
    assert as_user(outsider).post(decide_url(item), {"decision": "ACCEPTED"}).status_code == 404
    assert as_user(tutor).post(decide_url(item), {"decision": "ACCEPTED"}).status_code == 403
    item.refresh_from_db()
    assert item.decision == "PENDING"


def test_accepting_records_who_and_when_and_audits(as_user, plan_editor, learner, item):
    response = as_user(plan_editor).post(decide_url(item), {"decision": "ACCEPTED", "version": 1})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.decision, item.decided_by) == ("ACCEPTED", plan_editor)
    assert item.decided_at is not None
    assert "decision" in AuditEntry.objects.get_for_object(item).latest("pk").changes_dict


def test_referring_needs_feedback(as_user, plan_editor, item):
    response = as_user(plan_editor).post(decide_url(item), {"decision": "REFERRED"})
    assert response.status_code == 200
    assert "Say what the learner needs" in response.context["form"].errors["note"][0]
    item.refresh_from_db()
    assert item.decision == "PENDING"


def test_downloading_is_checked_and_logged(
    as_user, plan_editor, colleague, outsider, learner, component
):
    as_user(plan_editor).post(add_url(learner), good(component))
    item = EvidenceItem.objects.get()
    assert as_user(outsider).get(download_url(item)).status_code == 404
    response = as_user(colleague).get(download_url(item))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    access = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).get()
    assert access.actor == colleague
    assert access.learner == learner
