"""Keeping the review schedule up to date: a programme's interval, and the stored next due
date (``ReviewDue``) of each enrolment, refreshed whenever something it depends on changes."""

import datetime

from django.db import transaction
from django.utils import timezone

from audit.context import signed_by_actor
from programmes.models import Enrolment, Programme
from users.models import User

from .due_models import ReviewDue, ReviewSchedule
from .schedule import DEFAULT_INTERVAL_WEEKS, LEARNING_STATUSES, next_due_for


def refresh_due(enrolment: Enrolment, *, today: datetime.date | None = None) -> ReviewDue | None:
    """Recompute the enrolment's stored next due date; an enrolment that no longer has a
    schedule (not current, not learning) loses its row."""
    due = next_due_for(enrolment, today=today or timezone.localdate())
    if not due.applies:
        ReviewDue.objects.filter(enrolment_id=enrolment.pk).delete()
        return None
    row, _ = ReviewDue.objects.update_or_create(
        enrolment_id=enrolment.pk,
        defaults={
            "learner_id": enrolment.learner_id,
            "last_review_on": due.last_review_on,
            "due_on": due.due_on,
            "paused_since": due.paused_since,
        },
    )
    return row


def refresh_programme(programme: Programme) -> int:
    """Refresh every enrolment of the programme that has a schedule (its interval changed)."""
    count = 0
    enrolments = programme.enrolments.filter(is_current=True, status__in=LEARNING_STATUSES)
    for enrolment in enrolments.iterator(chunk_size=500):
        refresh_due(enrolment)
        count += 1
    return count


def refresh_all() -> tuple[int, int]:
    """Recompute every stored due date (after a data import): ``(rows kept, rows removed)``.

    One enrolment's bad data is skipped by ``next_due_for``'s own guards, never the batch."""
    kept = 0
    scheduled = Enrolment.objects.filter(is_current=True, status__in=LEARNING_STATUSES)
    for enrolment in scheduled.iterator(chunk_size=500):
        refresh_due(enrolment)
        kept += 1
    stale = ReviewDue.objects.exclude(enrolment__in=scheduled)
    removed, _ = stale.delete()
    return kept, removed


@transaction.atomic
@signed_by_actor
def interval_set(*, programme: Programme, weeks: int | None, actor: User) -> None:
    """Set the programme's review interval (None: the default, 12 weeks); a change refreshes
    the due dates of its learners."""
    weeks = weeks or DEFAULT_INTERVAL_WEEKS
    schedule = ReviewSchedule.objects.filter(programme=programme).first()
    current = schedule.interval_weeks if schedule else DEFAULT_INTERVAL_WEEKS
    if schedule is None:
        if weeks == DEFAULT_INTERVAL_WEEKS:
            return
        ReviewSchedule.objects.create(programme=programme, interval_weeks=weeks)
    elif weeks != current:
        schedule.interval_weeks = weeks
        schedule.save()
    if weeks != current:
        refresh_programme(programme)
