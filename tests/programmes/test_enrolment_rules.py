"""The enrolment rules the learning plan and the ILR pages rely on, now on the model and its
QuerySet rather than in the views: which enrolment is current, and when the plan is read-only."""

import pytest

from programmes.models import Enrolment, Programme
from tests.factories import EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_current_leaves_out_earlier_programmes(learner):
    current = EnrolmentFactory(learner=learner)
    EnrolmentFactory(learner=learner, is_current=False)
    assert list(learner.enrolments.current()) == [current]


def test_the_learning_plan_follows_a_delivery_programme_before_an_onboarding_one(learner):
    delivery = EnrolmentFactory(learner=learner, programme__kind=Programme.Kind.DELIVERY)
    EnrolmentFactory(learner=learner, programme__kind=Programme.Kind.ONBOARDING)
    EnrolmentFactory(learner=learner, programme__kind=Programme.Kind.DELIVERY, is_current=False)
    assert learner.enrolments.for_learning_plan() == delivery


def test_the_learning_plan_follows_onboarding_when_it_is_the_only_current_programme(learner):
    onboarding = EnrolmentFactory(learner=learner, programme__kind=Programme.Kind.ONBOARDING)
    assert learner.enrolments.for_learning_plan() == onboarding


def test_a_learner_without_a_current_programme_has_no_plan_enrolment(learner):
    EnrolmentFactory(learner=learner, is_current=False)
    assert learner.enrolments.for_learning_plan() is None
    assert learner.enrolments.newest_current() is None


def test_newest_current_is_the_latest_current_enrolment(learner):
    EnrolmentFactory(learner=learner)
    newest = EnrolmentFactory(learner=learner, programme__kind=Programme.Kind.ONBOARDING)
    EnrolmentFactory(learner=learner, is_current=False)
    assert learner.enrolments.newest_current() == newest


@pytest.mark.parametrize(
    ("status", "read_only"),
    [
        (Enrolment.Status.ONBOARDING, False),
        (Enrolment.Status.READY_TO_ENROL, False),
        (Enrolment.Status.ACTIVE, False),
        (Enrolment.Status.ENTERED_EPA, False),
        (Enrolment.Status.ON_A_BREAK, True),
        (Enrolment.Status.PENDING_CHANGE, True),
        (Enrolment.Status.COMPLETE, True),
        (Enrolment.Status.STOPPED, True),
        (Enrolment.Status.WITHDRAWN, True),
    ],
)
def test_a_break_or_the_end_of_the_programme_makes_the_plan_read_only(status, read_only):
    assert Enrolment(status=status).plan_is_read_only is read_only
