"""The Tracker section of a learner's profile: counts and the newest trackers, in a fixed number
of queries (three) whatever the learner's data."""

from django.db.models import Count, Q
from django.http import HttpRequest

from aptem.sections import Section
from users.models import User

from .models import Tracker

CREATE = "trackers.create_trackers"
NEWEST = 5


def _trackers(request: HttpRequest, subject: User) -> dict:
    counts = Tracker.objects.filter(learner=subject).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status__in=Tracker.FINISHED)),
        awaiting=Count("pk", filter=Q(status=Tracker.Status.AWAITING_APPROVAL)),
    )
    newest = (
        Tracker.objects.filter(learner=subject)
        .select_related("tracker_type", "enrolment__programme", "assignee")
        .prefetch_related("documents")
        .order_by("-created_at", "-pk")[:NEWEST]
    )
    return {
        "trackers": list(newest),
        "tracker_count": counts["total"],
        "open_count": counts["open"],
        "awaiting_count": counts["awaiting"],
        "may_create": request.user.has_perm(CREATE),
    }


TRACKERS = Section(
    key="trackers",
    title="Tracker",
    template="trackers/sections/_trackers.html",
    summary=_trackers,
    count=lambda c: str(c["tracker_count"]),
)
