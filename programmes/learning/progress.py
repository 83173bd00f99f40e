"""Progress against the plan and off-the-job hours, worked out the same way everywhere.

Definitions (shown to users on the pages, proven by tests/programmes/learning/test_progress.py):

- **Planned progress** = days from the start date to today / days from the start date to the
  planned end date, as a percentage clamped to 0-100.
- **Actual progress** = completed components / all the learner's components, every component
  weighing the same; 0 when the learner has no components.
- **Weeks ahead or behind** = (actual - planned) % of the planned duration in weeks; positive is
  ahead. Not worked out when the learner has no components: progress cannot be measured then,
  and "0 of 0 components" would read as falling ever further behind.
- **Planned OTJ hours** = the programme's planned off-the-job hours, else the enrolment's
  statutory minimum.
- **Expected OTJ hours on a day** = planned hours x the share of the planned duration elapsed on
  that day (0 before the start, all of them from the planned end).
- **More than 4 weeks behind** = logged hours are below the hours expected 28 days before today,
  i.e. the learner has not yet logged what the plan asked for four weeks ago. Equal is not behind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

BEHIND_PLAN_DAYS = 28
HUNDRED = Decimal(100)


def elapsed_share(start, planned_end, on: datetime.date) -> Decimal | None:
    """The share (0 to 1) of the planned duration elapsed on ``on``; None without dates."""
    if start is None or planned_end is None or planned_end <= start:
        return None
    total = (planned_end - start).days
    done = min(max((on - start).days, 0), total)
    return Decimal(done) / Decimal(total)


def percent(value: Decimal) -> int:
    """A share as a whole percentage, clamped to 0-100."""
    return int(min(max(value * HUNDRED, Decimal(0)), HUNDRED).to_integral_value(ROUND_HALF_UP))


def bar_class(pct: int) -> str:
    """The CSS width class (static/css/portal.css: .w-pct-0 ... .w-pct-100, 5 % steps)."""
    pct = min(max(pct, 0), 100)
    return f"w-pct-{int(5 * round(pct / 5))}"


@dataclass(frozen=True)
class PlanProgress:
    planned: int | None
    actual: int
    completed: int
    total: int
    weeks_ahead: Decimal | None  # negative: behind

    @property
    def is_measurable(self) -> bool:
        """Whether there are components to measure actual progress by."""
        return self.total > 0

    @property
    def planned_bar(self) -> str:
        return bar_class(self.planned or 0)

    @property
    def actual_bar(self) -> str:
        return bar_class(self.actual)

    @property
    def weeks_abs(self) -> Decimal | None:
        return None if self.weeks_ahead is None else abs(self.weeks_ahead)


def plan_progress(enrolment, completed: int, total: int, today: datetime.date) -> PlanProgress:
    share = elapsed_share(enrolment.start_date, enrolment.planned_end_date, today)
    actual_share = Decimal(completed) / Decimal(total) if total else Decimal(0)
    planned = None if share is None else percent(share)
    weeks = None
    if share is not None and total:
        duration_weeks = Decimal((enrolment.planned_end_date - enrolment.start_date).days) / 7
        weeks = ((actual_share - share) * duration_weeks).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return PlanProgress(planned, percent(actual_share), completed, total, weeks)


def planned_otj_hours(enrolment) -> int | None:
    return enrolment.programme.planned_otj_hours or enrolment.minimum_otj_hours


def expected_otj_hours(enrolment, on: datetime.date) -> Decimal | None:
    planned = planned_otj_hours(enrolment)
    share = elapsed_share(enrolment.start_date, enrolment.planned_end_date, on)
    if planned is None or share is None:
        return None
    return Decimal(planned) * share


@dataclass(frozen=True)
class OtjSummary:
    minimum: int | None
    planned: int | None
    logged: Decimal
    verified: Decimal
    expected: Decimal | None  # to date
    expected_four_weeks_ago: Decimal | None

    @property
    def is_behind(self) -> bool:
        """More than 4 weeks behind: see the module's definition."""
        return self.expected_four_weeks_ago is not None and self.logged < (
            self.expected_four_weeks_ago
        )

    @property
    def shortfall(self) -> Decimal | None:
        if self.expected is None:
            return None
        return max(self.expected - self.logged, Decimal(0))

    @property
    def logged_pct(self) -> int:
        return percent(self.logged / self.planned) if self.planned else 0

    @property
    def logged_bar(self) -> str:
        return bar_class(self.logged_pct)


def otj_summary(enrolment, totals: dict, today: datetime.date) -> OtjSummary:
    """``totals`` from ``OtjEntry.objects.filter(enrolment=...).totals()``."""
    expected = expected_otj_hours(enrolment, today)
    earlier = expected_otj_hours(enrolment, today - datetime.timedelta(days=BEHIND_PLAN_DAYS))
    return OtjSummary(
        minimum=enrolment.minimum_otj_hours,
        planned=planned_otj_hours(enrolment),
        logged=totals["logged"],
        verified=totals["verified"],
        expected=None if expected is None else expected.quantize(Decimal("0.1"), ROUND_HALF_UP),
        expected_four_weeks_ago=earlier,
    )


def whole_hours(hours: Decimal) -> int:
    """The ILR wants whole hours: rounded half up (OTJActHours "to the nearest hour")."""
    return int(hours.to_integral_value(ROUND_HALF_UP))
