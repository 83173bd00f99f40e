"""The review schedule's rule at its boundaries: interval after the start or the last held
progress review, plus the days of breaks after it; an open break pauses; overdue from the day
after the due date."""

import datetime

import pytest
import time_machine

from programmes.models import Enrolment
from reviews.due_models import ReviewSchedule
from reviews.models import Review, ReviewTemplate
from reviews.schedule import Due, break_days_after, due_on, due_status, next_due_for
from tests.reviews.due_factories import START, a_break, held_review, learning

D = datetime.date
TWELVE_WEEKS = datetime.timedelta(weeks=12)


# --- the pure rule -------------------------------------------------------------------------


def test_start_date_only_is_due_twelve_weeks_after_the_start():
    assert due_on(start_date=START, last_review_on=None, interval_weeks=12) == (
        START + TWELVE_WEEKS,
        None,
    )


def test_the_later_of_start_and_last_review_counts():
    review = D(2026, 2, 1)
    assert due_on(start_date=START, last_review_on=review, interval_weeks=12)[0] == (
        review + TWELVE_WEEKS
    )
    # A review before the start (an earlier programme's) does not pull the date back.
    assert due_on(start_date=START, last_review_on=D(2025, 6, 1), interval_weeks=12)[0] == (
        START + TWELVE_WEEKS
    )


def test_no_start_and_no_review_has_no_due_date():
    assert due_on(start_date=None, last_review_on=None, interval_weeks=12) == (None, None)


def test_a_break_before_the_last_review_does_not_count():
    review = D(2026, 3, 1)
    breaks = [(D(2026, 1, 10), D(2026, 2, 10))]
    assert due_on(start_date=START, last_review_on=review, interval_weeks=12, breaks=breaks)[0] == (
        review + TWELVE_WEEKS
    )


def test_a_break_after_the_last_review_adds_its_days():
    review = D(2026, 3, 1)
    breaks = [(D(2026, 3, 10), D(2026, 3, 24)), (D(2026, 4, 1), D(2026, 4, 2))]
    due, _ = due_on(start_date=START, last_review_on=review, interval_weeks=12, breaks=breaks)
    assert due == review + TWELVE_WEEKS + datetime.timedelta(days=15)


def test_a_break_straddling_the_last_review_counts_from_the_review():
    assert break_days_after(D(2026, 3, 1), [(D(2026, 2, 20), D(2026, 3, 6))]) == 5
    assert break_days_after(D(2026, 3, 1), [(D(2026, 2, 20), D(2026, 3, 1))]) == 0


def test_an_open_break_pauses_the_clock():
    breaks = [(D(2026, 2, 1), D(2026, 2, 8)), (D(2026, 4, 1), None)]
    assert due_on(start_date=START, last_review_on=None, interval_weeks=12, breaks=breaks) == (
        None,
        D(2026, 4, 1),
    )


def test_the_interval_sets_the_gap():
    assert due_on(start_date=START, last_review_on=None, interval_weeks=1)[0] == D(2026, 1, 12)
    assert due_on(start_date=START, last_review_on=None, interval_weeks=52)[0] == D(2027, 1, 4)


def test_a_date_too_late_to_add_to_gives_no_due_date_rather_than_an_error():
    assert due_on(start_date=D(9999, 12, 1), last_review_on=None, interval_weeks=12) == (
        None,
        None,
    )


def test_due_today_is_not_overdue_and_one_day_later_is():
    due = D(2026, 3, 30)
    today = Due(today=due, due_on=due)
    assert not today.is_overdue
    assert today.days_until == 0
    assert due_status(today) == "Due today"
    tomorrow = Due(today=due + datetime.timedelta(days=1), due_on=due)
    assert tomorrow.is_overdue
    assert tomorrow.days_overdue == 1
    assert due_status(tomorrow) == "Overdue by 1 day"
    assert due_status(Due(today=due + datetime.timedelta(days=12), due_on=due)) == (
        "Overdue by 12 days"
    )
    assert due_status(Due(today=due - datetime.timedelta(days=5), due_on=due)) == "Due in 5 days"


def test_paused_and_not_applying_in_words():
    assert due_status(Due(today=D(2026, 5, 1), paused_since=D(2026, 4, 1))) == (
        "Paused: on a break since 01/04/2026"
    )
    assert due_status(Due(today=D(2026, 5, 1))) == "No start date"
    assert due_status(Due(today=D(2026, 5, 1), applies=False)) == ""


# --- next_due_for: the rule over the records -----------------------------------------------


@pytest.fixture
def enrolment(learner):
    return learning(learner)


def test_next_due_counts_held_progress_reviews_only(enrolment):
    held_review(enrolment, D(2026, 2, 1), purpose=ReviewTemplate.Purpose.WELFARE)
    held_review(enrolment, D(2026, 2, 15), status=Review.Status.IN_PROGRESS)
    held_review(enrolment, D(2026, 2, 10), status=Review.Status.AWAITING_SIGNATURES)
    held_review(enrolment, D(2026, 1, 20))
    due = next_due_for(enrolment, today=D(2026, 3, 1))
    assert due.last_review_on == D(2026, 2, 10)
    assert due.due_on == D(2026, 2, 10) + TWELVE_WEEKS


def test_next_due_follows_the_programmes_interval(enrolment):
    ReviewSchedule.objects.create(programme=enrolment.programme, interval_weeks=4)
    assert next_due_for(enrolment, today=START).due_on == START + datetime.timedelta(weeks=4)


def test_next_due_adds_breaks_and_pauses_on_an_open_one(enrolment):
    a_break(enrolment, D(2026, 2, 1), D(2026, 2, 11))
    assert next_due_for(enrolment).due_on == START + TWELVE_WEEKS + datetime.timedelta(days=10)
    a_break(enrolment, D(2026, 3, 1))
    due = next_due_for(enrolment)
    assert due.due_on is None
    assert due.paused_since == D(2026, 3, 1)


@pytest.mark.parametrize(
    "status",
    [
        Enrolment.Status.ONBOARDING,
        Enrolment.Status.COMPLETE,
        Enrolment.Status.STOPPED,
        Enrolment.Status.WITHDRAWN,
    ],
)
def test_only_learning_enrolments_have_a_schedule(learner, status):
    assert not next_due_for(learning(learner, status=status)).applies


def test_a_past_enrolment_has_no_schedule(learner):
    assert not next_due_for(learning(learner, is_current=False)).applies


def test_overdue_is_counted_from_today(enrolment):
    due = START + TWELVE_WEEKS
    with time_machine.travel(datetime.datetime(2026, 3, 30, 12, 0), tick=False):
        assert next_due_for(enrolment).due_on == due == D(2026, 3, 30)
        assert next_due_for(enrolment).status_text == "Due today"
    with time_machine.travel(datetime.datetime(2026, 3, 31, 12, 0), tick=False):
        assert next_due_for(enrolment).status_text == "Overdue by 1 day"
