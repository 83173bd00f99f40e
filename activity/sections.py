"""The Activity summary section of a learner's profile: two aggregate queries, however much
activity or how many tasks the learner has."""

from django.http import HttpRequest

from aptem.sections import Section
from users.access import may_edit
from users.models import User

from .services import activity_summary, task_counts


def _activity(request: HttpRequest, subject: User) -> dict:
    return {
        "activity": activity_summary(subject),
        "task_counts": task_counts(subject),
        "may_edit_tasks": may_edit(request.user, subject),
    }


ACTIVITY = Section(
    key="activity",
    title="Activity summary (last 30 days)",
    template="activity/sections/_activity.html",
    summary=_activity,
)
