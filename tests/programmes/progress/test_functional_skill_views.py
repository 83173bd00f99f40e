import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from programmes.models import FunctionalSkillAssessment
from tests.factories import FunctionalSkillFactory
from tests.sample_files import pdf_bytes

MINIMAL_PDF = pdf_bytes()  # a real one-page PDF: uploads must open as what they claim


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(learner, action="", assessment=None):
    base = f"/users/{learner.pk}/functional-skills/"
    if assessment is not None:
        base += f"{assessment.pk}/"
    return base + (f"{action}/" if action else "")


def good(**overrides) -> dict:
    data = {
        "subject": "MATHS",
        "kind": "DIAGNOSTIC",
        "level": "L1",
        "score": "64",
        "result": "",
        "assessed_on": "2026-11-02",
        "assessor": "",
        "assessor_name": "Pat Assessor",
        "exemption_evidence": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def assessment(learner):
    return FunctionalSkillFactory(learner=learner)


@pytest.mark.parametrize("action", ["", "add"])
def test_anonymous_is_sent_to_login(client, learner, action):
    response = client.get(url(learner, action))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, assessment):
    client = as_user(outsider)
    for address in (url(learner), url(learner, "add"), url(learner, "edit", assessment)):
        assert client.get(address).status_code == 404


def test_colleague_sees_assessments_but_may_not_add_or_edit(
    as_user, colleague, learner, assessment
):
    client = as_user(colleague)
    assert "External Assessor" in client.get(url(learner)).content.decode()
    assert client.get(url(learner, "add")).status_code == 403
    assert client.post(url(learner, "edit", assessment), good(version=1)).status_code == 403
    assessment.refresh_from_db()
    assert assessment.subject == "ENGLISH"


def test_another_learners_assessment_is_404(as_user, tutor, learner, tree):
    other = FunctionalSkillFactory(learner__groups=[tree["cohort"]])
    assert as_user(tutor).get(url(learner, "edit", other)).status_code == 404
    assert as_user(tutor).get(url(learner, "evidence", other)).status_code == 404


def test_tutor_adds_an_assessment_with_an_administrator_as_assessor(as_user, tutor, learner):
    response = as_user(tutor).post(url(learner, "add"), good(assessor=tutor.pk, assessor_name=""))
    assert response.status_code == 302
    assert response.url == f"/users/{learner.pk}/#functional-skills"
    saved = FunctionalSkillAssessment.objects.get()
    assert (saved.subject, saved.level, saved.score, saved.assessor) == ("MATHS", "L1", 64, tutor)
    entry = AuditEntry.objects.get(content_type__model="functionalskillassessment")
    assert entry.learner_id == learner.pk
    assert entry.actor == tutor


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": "101"}, "The score must be a percentage between 0 and 100."),
        ({"score": "-3"}, "The score must be a percentage between 0 and 100."),
        ({"score": "", "result": ""}, "Enter a score or choose a result."),
        ({"assessed_on": "2026-12-01"}, "The date cannot be in the future."),
        ({"assessed_on": "1899-01-01"}, "Enter a date from 01/01/2000 onwards."),
        ({"level": "L3"}, "Select a valid choice."),
        ({"subject": "SCIENCE"}, "Select a valid choice."),
        ({"assessor_name": ""}, "Choose the assessor, or name an external assessor."),
        ({"assessor": "{tutor}"}, "Either choose an administrator or name an external assessor."),
        ({"is_exempt": "on"}, "Say what evidence shows the learner is exempt."),
        ({"exemption_evidence": "GCSE"}, "Leave this empty unless the learner is exempt."),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(as_user, tutor, learner, change, message):
    data = good(**{k: v.format(tutor=tutor.pk) for k, v in change.items()})
    response = as_user(tutor).post(url(learner, "add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not FunctionalSkillAssessment.objects.exists()


def test_an_upload_that_is_not_what_it_claims_is_refused(as_user, tutor, learner):
    fake = SimpleUploadedFile("certificate.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = as_user(tutor).post(url(learner, "add"), {**good(), "evidence_upload": fake})
    assert "is not a .pdf file" in response.content.decode()
    assert not FunctionalSkillAssessment.objects.exists()


def test_exemption_with_evidence_document_is_stored_privately_and_downloads_are_logged(
    as_user, tutor, colleague, learner
):
    upload = SimpleUploadedFile("gcse.pdf", MINIMAL_PDF, content_type="application/pdf")
    data = good(
        subject="ENGLISH",
        kind="EXAM",
        level="L2",
        score="",
        assessor_name="",
        is_exempt="on",
        exemption_evidence="GCSE English grade 5 (2019), certificate seen",
    )
    response = as_user(tutor).post(url(learner, "add"), {**data, "evidence_upload": upload})
    assert response.status_code == 302
    saved = FunctionalSkillAssessment.objects.get()
    assert saved.is_exempt
    assert saved.evidence_name == "gcse.pdf"
    assert saved.evidence_file.name.startswith("documents/functional-skills/")
    assert "gcse" not in saved.evidence_file.name
    assert len(saved.evidence_sha256) == 64
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert "Exempt: GCSE English grade 5" in body
    download = as_user(colleague).get(url(learner, "evidence", saved))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == MINIMAL_PDF
    access = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).get()
    assert access.actor == colleague
    assert access.learner_id == learner.pk


def test_evidence_without_a_document_is_404(as_user, tutor, learner, assessment):
    assert as_user(tutor).get(url(learner, "evidence", assessment)).status_code == 404


def test_edit_saves_and_is_audited(as_user, tutor, learner, assessment):
    response = as_user(tutor).post(
        url(learner, "edit", assessment), good(subject="ENGLISH", level="L1", version=1)
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.level == "L1"
    assert assessment.version == 2
    entry = AuditEntry.objects.filter(object_id=assessment.pk).latest("pk")
    assert entry.changes_dict["level"] == ["E3", "L1"]


def test_a_stale_edit_is_refused(as_user, tutor, supervisor, learner, assessment):
    as_user(supervisor).post(url(learner, "edit", assessment), good(subject="ENGLISH", version=1))
    response = as_user(tutor).post(
        url(learner, "edit", assessment), good(subject="ENGLISH", score="70", version=1)
    )
    body = response.content.decode()
    assert "Someone else saved this assessment" in body
    assert 'value="70"' in body
    assessment.refresh_from_db()
    assert assessment.score == 64


def test_assessments_are_shown_per_subject_latest_first(as_user, colleague, learner):
    FunctionalSkillFactory(learner=learner, assessed_on=datetime.date(2026, 1, 1), level="E2")
    FunctionalSkillFactory(learner=learner, assessed_on=datetime.date(2026, 9, 1), level="L1")
    FunctionalSkillFactory(learner=learner, subject="MATHS", level="E3")
    for address in (url(learner), f"/users/{learner.pk}/"):
        body = as_user(colleague).get(address).content.decode()
        english = body.index("English")
        maths = body.index("Maths", english)
        digital = body.index("Digital (ICT)", maths)
        assert english < body.index("Level 1", english) < body.index("Entry 2", english) < maths
        assert "No Digital (ICT) assessment yet." in body[digital:]


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_fixed_number_of_queries(as_user, tutor, learner):
    client = as_user(tutor)
    FunctionalSkillFactory(learner=learner, assessor=tutor, assessor_name="")
    small = _queries(client, url(learner))
    for subject in ("ENGLISH", "MATHS", "DIGITAL"):
        FunctionalSkillFactory.create_batch(4, learner=learner, subject=subject, assessor=tutor)
    assert _queries(client, url(learner)) == small
