import datetime

import pytest
import time_machine

from programmes.learning.models import LearnerComponent
from tests.factories import (
    EnrolmentFactory,
    LearnerComponentFactory,
    ProgrammeComponentFactory,
    ProgrammeFactory,
)

from .conftest import START


def url(learner, tab=""):
    return f"/users/{learner.pk}/learning-plan/" + (f"?tab={tab}" if tab else "")


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, enrolment):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_any_administrator_who_sees_the_learner_may_look(as_user, colleague, learner, enrolment):
    for tab in ("programme", "course", "certification", "evidence"):
        response = as_user(colleague).get(url(learner, tab))
        assert response.status_code == 200
        assert response.context["tab"] == tab
        assert b"Add a component" not in response.content


def test_an_unknown_tab_shows_the_programme(as_user, colleague, learner, enrolment):
    assert as_user(colleague).get(url(learner, "nonsense")).context["tab"] == "programme"


def test_a_learner_without_a_programme_is_told_how_to_get_one(as_user, colleague, learner):
    response = as_user(colleague).get(url(learner))
    assert b"not on a current programme" in response.content


def test_the_programmes_components_are_copied_on_first_view_only(
    as_user, plan_editor, learner, enrolment
):
    first = ProgrammeComponentFactory(programme=enrolment.programme, code="K1")
    ProgrammeComponentFactory(programme=enrolment.programme, code="S1", kind="S")
    client = as_user(plan_editor)
    client.get(url(learner, "course"))
    copies = LearnerComponent.objects.filter(enrolment=enrolment)
    assert sorted(copies.values_list("code", flat=True)) == ["K1", "S1"]
    assert copies.get(code="K1").source == first
    copies.get(code="S1").delete()
    client.get(url(learner, "course"))
    assert LearnerComponent.objects.filter(enrolment=enrolment).count() == 1


@time_machine.travel(datetime.datetime(2026, 4, 6, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_the_programme_tab_shows_planned_and_actual_progress(
    as_user, colleague, learner, enrolment
):
    assert datetime.date.today() - START == datetime.timedelta(days=91)
    LearnerComponentFactory(enrolment=enrolment, status="COMPLETED")
    for _ in range(3):
        LearnerComponentFactory(enrolment=enrolment)
    response = as_user(colleague).get(url(learner))
    result = response.context["progress"]
    assert (result.planned, result.actual, result.weeks_ahead) == (25, 25, 0)
    content = response.content.decode()
    assert 'aria-valuenow="25"' in content
    assert "w-pct-25" in content
    assert "On plan" in content
    assert "style=" not in content


@time_machine.travel(datetime.datetime(2026, 7, 6, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_behind_plan_is_said_in_words_and_red(as_user, colleague, learner, enrolment):
    LearnerComponentFactory(enrolment=enrolment)
    content = as_user(colleague).get(url(learner)).content.decode()
    assert "behind plan" in content
    assert "text-danger" in content


def test_a_delivery_programme_comes_before_an_onboarding_one(
    as_user, colleague, learner, enrolment
):
    EnrolmentFactory(learner=learner, programme=ProgrammeFactory(kind="ONBOARDING"))
    assert as_user(colleague).get(url(learner)).context["enrolment"] == enrolment


@pytest.mark.parametrize("tab", ["programme", "course", "certification", "evidence"])
@pytest.mark.parametrize("size", [1, 20])
def test_each_tab_runs_a_fixed_number_of_queries(
    as_user, plan_editor, learner, enrolment, tab, size, django_assert_num_queries
):
    from programmes.learning.models import Certification, EvidenceItem

    for n in range(size):
        component = LearnerComponentFactory(enrolment=enrolment, status="COMPLETED")
        Certification.objects.create(learner=learner, enrolment=enrolment, title=f"Cert {n}")
        EvidenceItem.objects.create(
            learner=learner,
            component=component,
            description="Report",
            date=START,
            decided_by=plan_editor,
        )
    client = as_user(plan_editor)
    client.get(url(learner, tab))
    expected = {"programme": 9, "course": 10, "certification": 10, "evidence": 10}[tab]
    with django_assert_num_queries(expected):
        assert client.get(url(learner, tab)).status_code == 200
