"""A programme without components: progress cannot be measured, so no page says the learner is
weeks behind with "0 of 0 components"; each says why and, for someone who may manage programmes,
links to where the programme is managed."""

import datetime
import re

import pytest
import time_machine

from programmes.learning import progress
from tests.factories import LearnerComponentFactory

from .conftest import START

NO_COMPONENTS = "This programme has no components yet; progress can't be measured"


@pytest.fixture(autouse=True)
def _today():
    # Eight weeks in: with 0 of 0 components done this used to read "8 weeks behind".
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def pages(client, learner):
    yield client.get(f"/users/{learner.pk}/").content.decode()
    yield client.get(f"/users/{learner.pk}/learning-plan/").content.decode()


def test_no_components_means_no_weeks_ahead_or_behind(enrolment):
    measured = progress.plan_progress(enrolment, 0, 0, START + datetime.timedelta(weeks=8))
    assert not measured.is_measurable
    assert measured.weeks_ahead is None


def test_the_profile_and_the_plan_say_progress_cannot_be_measured(
    as_user, colleague, learner, enrolment
):
    for content in pages(as_user(colleague), learner):
        assert NO_COMPONENTS in content
        # Plan weeks ("8.0 weeks behind"); the OTJ hours warning is about hours and stays.
        assert not re.search(r"\d\.\d weeks? (ahead|behind)", content)
        assert "0 of 0" not in content
        # The colleague may not manage programmes: the words, but no link.
        assert f'href="/programmes/{enrolment.programme_id}/' not in content


def test_someone_who_may_manage_programmes_gets_a_link(as_user, supervisor, learner, enrolment):
    for content in pages(as_user(supervisor), learner):
        assert NO_COMPONENTS in content
        link = f'href="/programmes/{enrolment.programme_id}/edit/#components">Manage programmes</a>'
        assert link in content


def test_with_components_progress_is_shown_as_before(as_user, colleague, learner, enrolment):
    LearnerComponentFactory(enrolment=enrolment)
    profile, plan = pages(as_user(colleague), learner)
    assert NO_COMPONENTS not in profile + plan
    assert "8.0 weeks behind" in profile
    assert "0 of 1 component completed" in plan
