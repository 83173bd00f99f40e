import datetime
from decimal import Decimal

import pytest
import time_machine

from programmes.learning.models import WizardProgress
from tests.factories import LearnerComponentFactory, OtjEntryFactory

from .conftest import START

# The whole profile page; the learning plan's block costs three of them (components, OTJ
# totals, wizard steps) whatever the learner's data. The Contacts section counts its contacts
# (it shows only the first few), hence one more than before issue 13. The Compliance documents
# section (the current programme's required types, their documents and envelope signers, and
# the header's "N documents need signatures") and the Documents section add six; the Reviews
# section three, the Review documents section two and the Activities section two.
QUERIES = 41


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield


def profile(client, learner):
    return client.get(f"/users/{learner.pk}/")


def test_the_programme_section_shows_progress_otj_totals_and_the_wizard(
    as_user, colleague, learner, enrolment
):
    LearnerComponentFactory(enrolment=enrolment, status="COMPLETED")
    LearnerComponentFactory(enrolment=enrolment)
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=START)
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=START)
    WizardProgress.objects.create(
        learner=learner, step="introduction", completed_at=datetime.datetime.now(datetime.UTC)
    )
    content = profile(as_user(colleague), learner).content.decode()
    assert "actual 50%" in content
    assert f'href="/users/{learner.pk}/learning-plan/"' in content
    assert f'href="/users/{learner.pk}/otj/"' in content
    assert f'href="/users/{learner.pk}/wizard/"' in content
    assert 'data-otj="logged">40<' in content
    assert 'data-otj="planned">520<' in content
    assert 'data-otj="expected">80.0' in content
    assert "Introduction: done" in content
    assert "Advice: <strong>next</strong>" in content
    assert "Warning: more than 4 weeks behind plan." not in content


def test_the_programme_section_warns_in_red_when_more_than_four_weeks_behind(
    as_user, colleague, learner, enrolment
):
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=START)
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("19.75"), date=START)
    content = profile(as_user(colleague), learner).content.decode()
    assert "alert-danger" in content
    assert "Warning: more than 4 weeks behind plan." in content


def test_a_learner_without_a_programme_has_no_plan_yet(as_user, colleague, learner):
    content = profile(as_user(colleague), learner).content.decode()
    assert "No current programme, so no learning plan yet." in content


@pytest.mark.parametrize("size", [1, 25])
def test_the_profile_runs_a_fixed_number_of_queries(
    as_user, colleague, learner, enrolment, size, django_assert_num_queries
):
    for n in range(size):
        LearnerComponentFactory(enrolment=enrolment, status="COMPLETED" if n % 2 else "NOT_STARTED")
        OtjEntryFactory(enrolment=enrolment)
    for step in ("introduction", "advice"):
        WizardProgress.objects.create(learner=learner, step=step, completed_by=colleague)
    client = as_user(colleague)
    profile(client, learner)
    with django_assert_num_queries(QUERIES):
        assert profile(client, learner).status_code == 200
