"""Recording activity, the activity summaries and reports, and the audited task workflows."""

import calendar
import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from audit.context import signed_by_actor
from users.models import User

from .models import ActivityEvent, Task

Kind = ActivityEvent.Kind
Area = ActivityEvent.Area
SUMMARY_DAYS = 30


def _london() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def activity_record(
    *, user: User, kind: str, area: str | None = None, at: datetime.datetime | None = None
) -> ActivityEvent:
    """Record a sign-in, or a visit to one of the learner-facing areas."""
    kind = Kind(kind)
    if kind == Kind.PAGE_VISIT:
        if not area:
            raise ValueError("A page visit needs the area that was visited.")
        area = Area(area)
    elif area:
        raise ValueError("A sign-in has no area.")
    return ActivityEvent.objects.create(
        user=user, kind=kind, area=area or "", occurred_at=at or timezone.now()
    )


def activity_summary(learner: User, now: datetime.datetime | None = None) -> dict:
    """Counts for the last 30 days in one aggregate query."""
    since = (now or timezone.now()) - datetime.timedelta(days=SUMMARY_DAYS)
    aggregates = {
        "sign_ins": Count("pk", filter=Q(kind=Kind.SIGN_IN)),
        "last_sign_in": Max("occurred_at", filter=Q(kind=Kind.SIGN_IN)),
    }
    for area in Area:
        aggregates[area.value] = Count("pk", filter=Q(kind=Kind.PAGE_VISIT, area=area))
    row = ActivityEvent.objects.filter(user=learner, occurred_at__gte=since).aggregate(**aggregates)
    # The last sign-in ever, not just within the window, would need a second query; the
    # window's is what the section promises.
    return {
        "sign_ins": row["sign_ins"],
        "last_sign_in": row["last_sign_in"],
        "visits": [(area.label, row[area.value]) for area in Area],
        "since": since,
    }


def month_bounds(first_day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of the given month and of the next one, as UK-time aware datetimes."""
    days = calendar.monthrange(first_day.year, first_day.month)[1]
    next_first = first_day + datetime.timedelta(days=days)
    tz = _london()
    return (
        datetime.datetime.combine(first_day, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(next_first, datetime.time.min, tzinfo=tz),
    )


def current_month_start(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()).replace(day=1)


def previous_month_start(today: datetime.date | None = None) -> datetime.date:
    return (current_month_start(today) - datetime.timedelta(days=1)).replace(day=1)


def events_in_month(learner: User, first_day: datetime.date) -> QuerySet[ActivityEvent]:
    start, end = month_bounds(first_day)
    return ActivityEvent.objects.filter(
        user=learner, occurred_at__gte=start, occurred_at__lt=end
    ).order_by("-occurred_at", "-pk")


@dataclass
class DayUsage:
    day: datetime.date
    sign_ins: int
    visits: dict[str, int]  # area value -> count

    @property
    def total_visits(self) -> int:
        return sum(self.visits.values())

    @property
    def visit_counts(self) -> list[int]:
        return [self.visits[area.value] for area in Area]


def usage_by_day(learner: User, first_day: datetime.date) -> list[DayUsage]:
    """Every day of the month with its sign-ins and visits per area: one grouped query."""
    start, end = month_bounds(first_day)
    rows = (
        ActivityEvent.objects.filter(user=learner, occurred_at__gte=start, occurred_at__lt=end)
        .annotate(day=TruncDate("occurred_at", tzinfo=_london()))
        .values("day", "kind", "area")
        .annotate(n=Count("pk"))
        .order_by()
    )
    days = calendar.monthrange(first_day.year, first_day.month)[1]
    usage = {
        first_day + datetime.timedelta(days=i): DayUsage(
            day=first_day + datetime.timedelta(days=i),
            sign_ins=0,
            visits={area.value: 0 for area in Area},
        )
        for i in range(days)
    }
    for row in rows:
        day = usage[row["day"]]
        if row["kind"] == Kind.SIGN_IN:
            day.sign_ins += row["n"]
        elif row["area"] in day.visits:
            day.visits[row["area"]] += row["n"]
    return list(usage.values())


@transaction.atomic
def task_create(*, learner: User, title: str, due_date: datetime.date | None, actor: User) -> Task:
    return Task.objects.create(learner=learner, title=title, due_date=due_date, created_by=actor)


@transaction.atomic
@signed_by_actor
def task_mark_done(*, task: Task, actor: User) -> bool:
    """Mark the task done; False when it already was (nothing is changed or audited)."""
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.status == Task.Status.DONE:
        return False
    current.status = Task.Status.DONE
    current.completed_at = timezone.now()
    current.save()
    return True


@transaction.atomic
@signed_by_actor
def task_add_to_action_plan(*, task: Task, actor: User) -> bool:
    """Put the task in the learner's action plan; False when it already was there."""
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.in_action_plan:
        return False
    current.in_action_plan = True
    current.save()
    return True


def task_counts(learner: User) -> dict:
    """Open, overdue and action-plan counts in one aggregate query."""
    today = timezone.localdate()
    return learner.tasks.aggregate(
        open=Count("pk", filter=Q(status=Task.Status.OPEN)),
        overdue=Count("pk", filter=Q(status=Task.Status.OPEN, due_date__lt=today)),
        in_plan=Count("pk", filter=Q(in_action_plan=True)),
        total=Count("pk"),
    )
