import datetime
from decimal import Decimal

import pytest
import time_machine

from programmes.learning import progress
from programmes.learning.models import OtjEntry
from tests.factories import OtjEntryFactory

from .conftest import END, START

pytestmark = pytest.mark.django_db


def day(n: int) -> datetime.date:
    return START + datetime.timedelta(days=n)


def test_planned_progress_is_time_elapsed_over_the_planned_duration(enrolment):
    assert progress.plan_progress(enrolment, 0, 0, day(91)).planned == 25
    assert progress.plan_progress(enrolment, 0, 0, day(182)).planned == 50


def test_planned_progress_is_clamped_to_0_and_100(enrolment):
    assert progress.plan_progress(enrolment, 0, 0, day(-30)).planned == 0
    assert (
        progress.plan_progress(enrolment, 0, 0, END + datetime.timedelta(days=400)).planned == 100
    )


def test_planned_progress_is_unknown_without_dates(enrolment):
    enrolment.planned_end_date = None
    result = progress.plan_progress(enrolment, 1, 2, day(10))
    assert result.planned is None
    assert result.weeks_ahead is None
    assert result.actual == 50


def test_actual_progress_weighs_every_component_the_same(enrolment):
    assert progress.plan_progress(enrolment, 1, 4, day(0)).actual == 25
    assert progress.plan_progress(enrolment, 0, 0, day(0)).actual == 0
    assert progress.plan_progress(enrolment, 4, 4, day(0)).actual == 100


def test_actual_progress_never_goes_above_100_percent(enrolment):
    assert progress.plan_progress(enrolment, 5, 4, day(0)).actual == 100


def test_weeks_ahead_or_behind_apply_the_difference_to_the_planned_duration(enrolment):
    # Half the time gone (26 weeks) with a quarter done: 13 weeks behind.
    assert progress.plan_progress(enrolment, 1, 4, day(182)).weeks_ahead == Decimal("-13.0")
    # A quarter of the time gone with half done: 13 weeks ahead.
    assert progress.plan_progress(enrolment, 2, 4, day(91)).weeks_ahead == Decimal("13.0")


def test_bar_classes_step_by_five_percent():
    assert progress.bar_class(0) == "w-pct-0"
    assert progress.bar_class(42) == "w-pct-40"
    assert progress.bar_class(43) == "w-pct-45"
    assert progress.bar_class(150) == "w-pct-100"


def test_planned_otj_hours_fall_back_to_the_minimum(enrolment):
    assert progress.planned_otj_hours(enrolment) == 520
    enrolment.programme.planned_otj_hours = None
    assert progress.planned_otj_hours(enrolment) == enrolment.minimum_otj_hours


def test_expected_hours_follow_the_elapsed_share(enrolment):
    assert progress.expected_otj_hours(enrolment, day(91)) == Decimal(130)
    assert progress.expected_otj_hours(enrolment, day(-1)) == 0
    assert progress.expected_otj_hours(enrolment, END + datetime.timedelta(days=9)) == 520


def test_ilr_hours_round_half_up():
    assert progress.whole_hours(Decimal("10.5")) == 11
    assert progress.whole_hours(Decimal("10.49")) == 10


def _summary(enrolment):
    totals = OtjEntry.objects.filter(enrolment=enrolment).totals()
    return progress.otj_summary(enrolment, totals, datetime.date.today())


# Eight weeks in, the plan expected 40 hours 4 weeks ago (520 x 28/364) and 80 today.
@time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0), tick=False)
def test_logging_exactly_what_was_expected_four_weeks_ago_is_not_behind(enrolment):
    assert datetime.date.today() == day(56)
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=day(10))
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=day(20))
    summary = _summary(enrolment)
    assert summary.expected_four_weeks_ago == Decimal(40)
    assert summary.expected == Decimal("80.0")
    assert summary.logged == Decimal(40)
    assert not summary.is_behind


@time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0), tick=False)
def test_a_quarter_hour_short_of_four_weeks_ago_is_behind(enrolment):
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=day(10))
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("19.75"), date=day(20))
    assert _summary(enrolment).is_behind


@time_machine.travel(datetime.datetime(2026, 3, 3, 12, 0), tick=False)
def test_the_same_hours_a_day_later_are_behind(enrolment):
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=day(10))
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("20"), date=day(20))
    summary = _summary(enrolment)
    assert summary.expected_four_weeks_ago > Decimal(40)
    assert summary.is_behind


@time_machine.travel(datetime.datetime(2026, 2, 1, 12, 0), tick=False)
def test_nobody_is_behind_in_the_first_four_weeks(enrolment):
    assert _summary(enrolment).expected_four_weeks_ago == 0
    assert not _summary(enrolment).is_behind


def test_verified_hours_count_only_verified_entries(enrolment, supervisor):
    OtjEntryFactory(enrolment=enrolment, hours=Decimal("3.5"))
    OtjEntryFactory(
        enrolment=enrolment,
        hours=Decimal("2"),
        verified_by=supervisor,
        verified_at=datetime.datetime(2026, 2, 3, tzinfo=datetime.UTC),
    )
    totals = OtjEntry.objects.filter(enrolment=enrolment).totals()
    assert totals == {"logged": Decimal("5.5"), "verified": Decimal("2")}
