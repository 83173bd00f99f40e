"""The progress review schedule: when a learner's next progress review is due.

The rule (DfE: a progress review at least every 12 weeks, the interval set per programme):

- the next progress review is due ``interval`` after the later of the programme's start date
  and the last *held* progress review (a review made from a template whose purpose is Progress,
  in one of ``Review.HELD_STATUSES``, dated ``held_on``);
- plus the days of every break in learning after that date (a break that straddles it counts
  from that date on; a break wholly before it does not count);
- an open break pauses the clock: there is no due date while the learner is on a break;
- only current enrolments in a learning status (Active, On a Break) have a due date;
- a review is overdue when its due date is before today (due today is not overdue yet).

``due_on`` and ``due_status`` are pure functions of dates; ``next_due_for`` reads what they
need for one enrolment. The Reviews due page reads the stored result (``ReviewDue``), which
``reviews.due_services.refresh_due`` keeps up to date.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date

from programmes.models import Enrolment

DEFAULT_INTERVAL_WEEKS = 12
MIN_INTERVAL_WEEKS = 1
MAX_INTERVAL_WEEKS = 52
# Enrolments whose learners are learning: only these have a next progress review.
LEARNING_STATUSES = frozenset({Enrolment.Status.ACTIVE, Enrolment.Status.ON_A_BREAK})

Break = tuple[datetime.date, datetime.date | None]


@dataclass(frozen=True)
class Due:
    """Where one enrolment stands in its review schedule on ``today``.

    ``due_on`` is None when nothing is due: the learner is on a break (``paused_since`` says
    since when), the programme has no start date, or the enrolment is not in a learning status
    (``applies`` is then False).
    """

    today: datetime.date
    due_on: datetime.date | None = None
    paused_since: datetime.date | None = None
    last_review_on: datetime.date | None = None
    applies: bool = True

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def days_overdue(self) -> int:
        """Days since the due date (0 when not overdue: due today is not overdue yet)."""
        if self.due_on is None or self.due_on >= self.today:
            return 0
        return (self.today - self.due_on).days

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def days_until(self) -> int | None:
        """Days until the due date (0 when due today; None when overdue or nothing is due)."""
        if self.due_on is None or self.due_on < self.today:
            return None
        return (self.due_on - self.today).days

    @property
    def status_text(self) -> str:
        return due_status(self)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def due_status(due: Due) -> str:
    """The schedule in words: "Overdue by 12 days", "Due today", "Due in 5 days", "Paused: on a
    break since 01/03/2026", "No start date", or "" where no schedule applies."""
    if not due.applies:
        return ""
    if due.paused_since is not None:
        return f"Paused: on a break since {due.paused_since:%d/%m/%Y}"
    if due.due_on is None:
        return "No start date"
    if due.is_overdue:
        return f"Overdue by {_days(due.days_overdue)}"
    if due.days_until == 0:
        return "Due today"
    return f"Due in {_days(due.days_until)}"


def break_days_after(since: datetime.date, breaks: Iterable[Break]) -> int:
    """Days of the (ended) breaks that fall after ``since``: a break wholly before it adds
    nothing; one that straddles it adds the days from ``since`` to its end."""
    total = 0
    for started_on, ended_on in breaks:
        if ended_on is None or ended_on <= since:
            continue
        total += (ended_on - max(started_on, since)).days
    return total


def due_on(
    *,
    start_date: datetime.date | None,
    last_review_on: datetime.date | None,
    interval_weeks: int,
    breaks: Iterable[Break] = (),
) -> tuple[datetime.date | None, datetime.date | None]:
    """``(due date, paused since)`` by the rule in this module's docstring.

    An open break (no end date) gives ``(None, its start)``; no start date and no review gives
    ``(None, None)``. A date beyond what Python's dates hold (a corrupt record) gives no due
    date rather than an error, so one learner never breaks a page or a batch.
    """
    breaks = list(breaks)
    open_breaks = [started_on for started_on, ended_on in breaks if ended_on is None]
    if open_breaks:
        return None, min(open_breaks)
    since = max((d for d in (start_date, last_review_on) if d is not None), default=None)
    if since is None:
        return None, None
    extra = datetime.timedelta(weeks=interval_weeks, days=break_days_after(since, breaks))
    try:
        return since + extra, None
    except OverflowError:
        return None, None


def interval_weeks_for(programme_id: int) -> int:
    """The programme's review interval (12 weeks when it has not set one)."""
    from .due_models import ReviewSchedule

    weeks = (
        ReviewSchedule.objects.filter(programme_id=programme_id)
        .values_list("interval_weeks", flat=True)
        .first()
    )
    return weeks or DEFAULT_INTERVAL_WEEKS


def last_progress_review_on(enrolment: Enrolment) -> datetime.date | None:
    """When the enrolment's last held progress review was held."""
    from .models import Review, ReviewTemplate

    return (
        Review.objects.filter(
            enrolment=enrolment,
            status__in=Review.HELD_STATUSES,
            template__purpose=ReviewTemplate.Purpose.PROGRESS,
            held_on__isnull=False,
        )
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def applies_to(enrolment: Enrolment) -> bool:
    """Whether the enrolment has a review schedule: current and in a learning status."""
    return enrolment.is_current and enrolment.status in LEARNING_STATUSES


def next_due_for(enrolment: Enrolment, *, today: datetime.date | None = None) -> Due:
    """When the enrolment's next progress review is due, computed from its records (four
    queries at most). Pages listing many learners read the stored ``ReviewDue`` rows instead."""
    today = today or timezone.localdate()
    if not applies_to(enrolment):
        return Due(today=today, applies=False)
    last = last_progress_review_on(enrolment)
    start = enrolment.start_date
    if isinstance(start, str):  # an instance saved with text, not yet read back as a date
        try:
            start = parse_date(start)
        except ValueError:
            start = None
    due, paused = due_on(
        start_date=start,
        last_review_on=last,
        interval_weeks=interval_weeks_for(enrolment.programme_id),
        breaks=enrolment.breaks.values_list("started_on", "ended_on"),
    )
    return Due(today=today, due_on=due, paused_since=paused, last_review_on=last)


def due_for_learner(learner_id: int, *, today: datetime.date | None = None) -> Due | None:
    """The learner's next progress review as stored (one query), for the profile's summary:
    the delivery programme's before an onboarding one, as the learning plan picks. None when no
    current programme of theirs is in learning."""
    from .due_models import ReviewDue

    row = (
        ReviewDue.objects.filter(learner_id=learner_id, enrolment__is_current=True)
        .order_by("enrolment__programme__kind", "-enrolment_id")
        .values_list("due_on", "paused_since", "last_review_on")
        .first()
    )
    if row is None:
        return None
    due, paused, last = row
    return Due(
        today=today or timezone.localdate(), due_on=due, paused_since=paused, last_review_on=last
    )
