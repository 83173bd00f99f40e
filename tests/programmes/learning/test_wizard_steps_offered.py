"""The onboarding wizard offers each viewer only the steps they may use (issue 11, point 2):
Personal information writes the ILR, so without Manage ILRs it is neither linked nor led to."""

import datetime

import pytest
import time_machine

from programmes.learning.models import WizardProgress

from .test_wizard import ASSESSMENTS, overview_url, step_url


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


def _done_up_to_assessments(learner) -> None:
    for step in ("introduction", "advice"):
        WizardProgress.objects.create(
            learner=learner,
            step=step,
            completed_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        )


def test_saving_assessments_without_manage_ilrs_returns_to_the_overview_not_a_403(
    as_user, plan_editor, learner
):
    _done_up_to_assessments(learner)
    client = as_user(plan_editor)
    response = client.post(step_url(learner, "assessments"), ASSESSMENTS, follow=True)
    assert response.redirect_chain == [(overview_url(learner), 302)]
    body = response.content.decode()
    assert "Assessments was saved. Personal information needs the Manage ILRs role" in body
    assert step_url(learner, "personal") not in body
    assert "Personal information also needs the Manage ILRs role" in body


def test_saving_assessments_with_manage_ilrs_goes_on_to_personal_information(
    as_user, ilr_manager, learner
):
    _done_up_to_assessments(learner)
    response = as_user(ilr_manager).post(step_url(learner, "assessments"), ASSESSMENTS)
    assert response["Location"] == step_url(learner, "personal")


def test_the_step_list_links_personal_information_only_for_those_who_may_use_it(
    as_user, plan_editor, ilr_manager, learner
):
    personal = f'href="{step_url(learner, "personal")}"'
    for page in (overview_url(learner), step_url(learner, "advice")):
        assert personal not in as_user(plan_editor).get(page).content.decode()
        assert personal in as_user(ilr_manager).get(page).content.decode()


def test_may_use_matches_what_the_step_view_answers(
    as_user, plan_editor, ilr_manager, colleague, learner
):
    for viewer in (plan_editor, ilr_manager, colleague):
        client = as_user(viewer)
        for step in WizardProgress.Step:
            status = client.get(step_url(learner, step.value)).status_code
            assert (status == 200) == WizardProgress.may_use(viewer, step.value), (viewer, step)
