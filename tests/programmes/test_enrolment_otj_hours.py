import datetime
from decimal import Decimal

import pytest

from programmes.models import Enrolment, minimum_otj_hours

START = datetime.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("end", "weekly_hours", "expected"),
    [
        # 365 days: 52.14 weeks less 5.6 weeks' leave = 46.54 weeks x 30 h x 0.2 = 279.26 -> 280.
        (datetime.date(2027, 1, 1), Decimal("30"), 280),
        # 18 months at 37.5 h: 78.14 weeks less 8.4 weeks' leave = 69.74 x 7.5 = 523.0x -> 524.
        (datetime.date(2027, 7, 2), Decimal("37.5"), 524),
        # One day still needs a whole hour: a minimum is rounded up.
        (datetime.date(2026, 1, 2), Decimal("30"), 1),
        (datetime.date(2026, 1, 8), Decimal("1"), 1),
    ],
)
def test_the_minimum_follows_the_formula_rounded_up(end, weekly_hours, expected):
    assert minimum_otj_hours(START, end, weekly_hours) == expected


def test_a_whole_year_at_thirty_hours_matches_the_formula_by_hand():
    weeks = Decimal(365) / 7
    by_hand = (weeks - Decimal("5.6")) * 30 * Decimal("0.2")
    assert minimum_otj_hours(START, datetime.date(2027, 1, 1), Decimal(30)) == 280
    assert 279 < by_hand < 280


@pytest.mark.parametrize(
    ("start", "end", "weekly_hours"),
    [
        (START, START, Decimal("30")),
        (START, datetime.date(2025, 12, 31), Decimal("30")),
        (None, datetime.date(2027, 1, 1), Decimal("30")),
        (START, None, Decimal("30")),
        (START, datetime.date(2027, 1, 1), None),
    ],
)
def test_there_is_no_minimum_without_a_valid_period_and_hours(start, end, weekly_hours):
    assert minimum_otj_hours(start, end, weekly_hours) is None


def test_the_enrolment_uses_the_same_function():
    enrolment = Enrolment(
        start_date=START, planned_end_date=datetime.date(2027, 1, 1), weekly_hours=Decimal(30)
    )
    assert enrolment.minimum_otj_hours == 280
