"""Who hears about a tracker: the assignee when it is assigned to them, the assignee and the
creator when a change request is approved or rejected. Each is told in the portal (their
notification list, with the unread count in the header) and by email, the email sent once
the tracker's transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from users.models import User
from users.notifications import notification_send_many

from .models import Tracker

TITLES = {
    "assigned": "Tracker {ref} was assigned to you: {type} for {learner}",
    "approved": "Tracker {ref} was approved: {type} for {learner}",
    "rejected": "Tracker {ref} was rejected: {type} for {learner}",
}


def tell(tracker: Tracker, people: Iterable[User], event: str, *, actor: User | None) -> None:
    title = TITLES[event].format(
        ref=tracker.reference, type=tracker.tracker_type.name, learner=tracker.learner.full_name
    )
    body = tracker.description
    if event == "rejected" and tracker.rejection_reason:
        body = f"Reason: {tracker.rejection_reason}\n\n{tracker.description}"
    link = reverse("trackers:detail", args=[tracker.learner_id, tracker.pk])
    notification_send_many(
        recipients=people, title=title[:200], body=body, link=link, kind="tracker", actor=actor
    )
