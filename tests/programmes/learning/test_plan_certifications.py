import datetime

import pytest
import time_machine

from audit.models import AuditEntry
from programmes.learning.models import Certification


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


def add_url(learner):
    return f"/users/{learner.pk}/learning-plan/certifications/add/"


def edit_url(c):
    return f"/users/{c.learner_id}/learning-plan/certifications/{c.pk}/edit/"


def good(**extra):
    return {
        "kind": "QUALIFICATION",
        "title": "Level 4 Diploma",
        "expected_on": "2026-12-01",
        **extra,
    }


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.post(add_url(learner), good())["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, enrolment):
    assert as_user(outsider).post(add_url(learner), good()).status_code == 404


def test_without_edit_learning_plan_gets_403(as_user, tutor, colleague, learner, enrolment):
    for viewer in (tutor, colleague):
        assert as_user(viewer).post(add_url(learner), good()).status_code == 403
    assert not Certification.objects.exists()


def test_adding_saves_redirects_and_audits(as_user, plan_editor, learner, enrolment):
    response = as_user(plan_editor).post(add_url(learner), good())
    assert response.status_code == 302
    certification = Certification.objects.get()
    assert (certification.enrolment, certification.created_by) == (enrolment, plan_editor)
    entry = AuditEntry.objects.get_for_object(certification).get()
    assert entry.learner == learner
    assert entry.actor == plan_editor


def test_recording_the_achievement(as_user, plan_editor, learner, enrolment):
    certification = Certification.objects.create(
        learner=learner, enrolment=enrolment, title="Maths L2"
    )
    response = as_user(plan_editor).post(
        edit_url(certification), good(title="Maths L2", achieved_on="2026-02-20", version=1)
    )
    assert response.status_code == 302
    certification.refresh_from_db()
    assert certification.achieved_on == datetime.date(2026, 2, 20)
    assert (
        "achieved_on" in AuditEntry.objects.get_for_object(certification).latest("pk").changes_dict
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (good(achieved_on="2026-03-09"), "achieved_on", "cannot be in the future"),
        (good(achieved_on="2025-06-01"), "achieved_on", "before the programme started"),
        (good(expected_on="2025-06-01"), "expected_on", "cannot be before the programme started"),
        (good(title=""), "title", "This field is required."),
    ],
)
def test_bad_input_is_refused_beside_the_field(
    as_user, plan_editor, learner, enrolment, data, field, message
):
    response = as_user(plan_editor).post(add_url(learner), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Certification.objects.exists()


def test_a_stale_edit_is_refused_naming_who_changed_what(
    as_user, plan_editor, ilr_manager, learner, enrolment
):
    certification = Certification.objects.create(
        learner=learner, enrolment=enrolment, title="Maths L2"
    )
    as_user(ilr_manager).post(edit_url(certification), good(title="Maths L3", version=1))
    response = as_user(plan_editor).post(
        edit_url(certification), good(title="Maths L2", achieved_on="2026-02-20", version=1)
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this certification after you opened the form" in body
    assert "Ivy Ilr" in body
    certification.refresh_from_db()
    assert (certification.title, certification.achieved_on) == ("Maths L3", None)
    assert certification.version == 2
