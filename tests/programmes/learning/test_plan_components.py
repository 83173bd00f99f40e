import datetime

import pytest
import time_machine

from audit.models import AuditEntry
from programmes.learning.models import EvidenceItem, LearnerComponent
from tests.factories import LearnerComponentFactory, ProgrammeComponentFactory

from .conftest import START


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


def add_url(learner):
    return f"/users/{learner.pk}/learning-plan/components/add/"


def edit_url(c):
    return f"/users/{c.learner_id}/learning-plan/components/{c.pk}/edit/"


def remove_url(c):
    return f"/users/{c.learner_id}/learning-plan/components/{c.pk}/remove/"


def good(**extra):
    return {
        "kind": "S",
        "code": "S9",
        "title": "Presenting data",
        "order": "9",
        "status": "NOT_STARTED",
        **extra,
    }


def test_anonymous_is_redirected_to_login(client, learner, enrolment):
    assert client.post(add_url(learner), good())["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, enrolment):
    component = LearnerComponentFactory(enrolment=enrolment)
    client = as_user(outsider)
    assert client.post(add_url(learner), good()).status_code == 404
    assert client.post(edit_url(component), good()).status_code == 404
    assert client.post(remove_url(component)).status_code == 404


def test_without_edit_learning_plan_gets_403(as_user, tutor, colleague, learner, enrolment):
    component = LearnerComponentFactory(enrolment=enrolment)
    for viewer in (tutor, colleague):
        client = as_user(viewer)
        assert client.get(add_url(learner)).status_code == 403
        assert client.post(add_url(learner), good()).status_code == 403
        assert client.post(edit_url(component), good()).status_code == 403
        assert client.post(remove_url(component)).status_code == 403
    assert LearnerComponent.objects.count() == 1


def test_adding_a_component_for_this_learner_only_saves_and_audits(
    as_user, plan_editor, learner, enrolment
):
    ProgrammeComponentFactory(programme=enrolment.programme, code="K1")
    response = as_user(plan_editor).post(add_url(learner), good())
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=course")
    component = LearnerComponent.objects.get(code="S9")
    assert (component.learner, component.enrolment, component.source) == (learner, enrolment, None)
    assert not enrolment.programme.components.filter(code="S9").exists()
    entry = AuditEntry.objects.get_for_object(component).get()
    assert entry.actor == plan_editor
    assert entry.learner == learner
    assert "title" in entry.changes_dict


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (good(code=""), "code", "This field is required."),
        (good(status="COMPLETED"), "completed_on", "Enter the date the component was completed."),
        (
            good(status="COMPLETED", completed_on="2026-03-03"),
            "completed_on",
            "cannot be in the future",
        ),
        (
            good(status="COMPLETED", completed_on="2025-12-01"),
            "completed_on",
            "before the programme started",
        ),
        (good(kind="X"), "kind", "Select a valid choice"),
        (good(order="-1"), "order", "greater than or equal to 0"),
    ],
)
def test_bad_input_is_refused_beside_the_field(
    as_user, plan_editor, learner, enrolment, data, field, message
):
    response = as_user(plan_editor).post(add_url(learner), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert response.context["form"]["title"].value() == "Presenting data"
    assert not LearnerComponent.objects.exists()


def test_a_duplicate_code_is_refused(as_user, plan_editor, learner, enrolment):
    LearnerComponentFactory(enrolment=enrolment, code="S9")
    response = as_user(plan_editor).post(add_url(learner), good(code="s9"))
    assert "already has a component s9" in response.context["form"].errors["code"][0]


def test_completing_a_component_records_the_date(as_user, plan_editor, learner, enrolment):
    component = LearnerComponentFactory(enrolment=enrolment, code="S1")
    response = as_user(plan_editor).post(
        edit_url(component),
        good(code="S1", status="COMPLETED", completed_on="2026-02-27", version=1),
    )
    assert response.status_code == 302
    component.refresh_from_db()
    assert (component.status, component.completed_on) == ("COMPLETED", datetime.date(2026, 2, 27))
    assert "status" in AuditEntry.objects.get_for_object(component).latest("pk").changes_dict


def test_another_learners_component_is_404(as_user, plan_editor, learner, enrolment):
    other = LearnerComponentFactory()
    assert (
        as_user(plan_editor)
        .get(f"/users/{learner.pk}/learning-plan/components/{other.pk}/edit/")
        .status_code
        == 404
    )


def test_removing_asks_first_then_removes_and_audits(as_user, plan_editor, learner, enrolment):
    component = LearnerComponentFactory(enrolment=enrolment)
    client = as_user(plan_editor)
    assert client.get(remove_url(component)).status_code == 200
    assert LearnerComponent.objects.exists()
    response = client.post(remove_url(component), {"version": 1})
    assert response.status_code == 302
    assert not LearnerComponent.objects.exists()
    entry = AuditEntry.objects.filter(learner=learner, action=AuditEntry.Action.DELETE).get()
    assert entry.actor == plan_editor


def test_a_component_with_evidence_cannot_be_removed(as_user, plan_editor, learner, enrolment):
    component = LearnerComponentFactory(enrolment=enrolment)
    EvidenceItem.objects.create(learner=learner, component=component, description="x", date=START)
    response = as_user(plan_editor).post(remove_url(component), {"version": 1})
    assert response.status_code == 409
    assert "has evidence recorded against it" in response.content.decode()
    assert LearnerComponent.objects.exists()


def test_a_stale_edit_is_refused_naming_who_changed_what(
    as_user, plan_editor, ilr_manager, learner, enrolment
):
    component = LearnerComponentFactory(enrolment=enrolment, code="S1", title="Old title")
    as_user(ilr_manager).post(edit_url(component), good(code="S1", title="Theirs", version=1))
    response = as_user(plan_editor).post(
        edit_url(component), good(code="S1", title="Mine", order="3", version=1)
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this component after you opened the form" in body
    assert "Ivy Ilr" in body
    assert response.context["form"]["title"].value() == "Mine"
    assert response.context["form"]["version"].value() == 2
    component.refresh_from_db()
    assert (component.title, component.order, component.version) == ("Theirs", 9, 2)


def test_a_stale_removal_is_refused(as_user, plan_editor, ilr_manager, learner, enrolment):
    component = LearnerComponentFactory(enrolment=enrolment, code="S1")
    as_user(ilr_manager).post(edit_url(component), good(code="S1", title="Theirs", version=1))
    response = as_user(plan_editor).post(remove_url(component), {"version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this component after you opened the form" in body
    assert LearnerComponent.objects.get().title == "Theirs"
