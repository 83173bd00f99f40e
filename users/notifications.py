"""Telling people in the portal (and by email) that something happened that concerns them.

Any app calls ``notification_send`` (or ``notification_send_many`` for several people): it
saves a ``Notification``, listed at /notifications/ with the unread count in the header, and,
unless ``email=False``, queues the same message by email through the outbox (``users.emails``).

Safe inside a transaction: the row and the outbox row are written in it, and the email is queued
only when it commits, so a change that rolls back leaves neither a notification nor an email.

Nobody is told about their own action: when the recipient is the actor, nothing is sent (the
person who assigned a tracker to themselves knows already).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from .emails import notify, site_link
from .models import User
from .notification_models import Notification

EMAIL_TEMPLATE = "emails/notification"


def notification_send(
    *,
    recipient: User,
    title: str,
    body: str = "",
    link: str,
    kind: str,
    actor: User | None,
    email: bool = True,
) -> Notification | None:
    """Tell ``recipient`` about something ``actor`` did (``actor`` None: the portal itself).

    ``title`` is one short line ("Tracker 'Laptop loan' assigned to you"), ``body`` optional
    detail, ``link`` the page to open, a path within the portal ("/users/12/trackers/3/", from
    ``reverse``); ``kind`` names the sender ("tracker"). Returns the notification, or None when
    ``recipient`` is the actor. A bad title or link raises ValidationError and saves nothing.
    The email goes only to a recipient with an email address.
    """
    if actor is not None and recipient.pk == actor.pk:
        return None
    notification = Notification(
        recipient=recipient, title=title, body=body, link=link, kind=kind, actor=actor
    )
    # The users are the caller's own objects; checking that they exist would cost two queries.
    notification.full_clean(exclude=["recipient", "actor"])
    notification.save()
    if email:
        notify(
            user=recipient,
            subject=title,
            template=EMAIL_TEMPLATE,
            context={
                "user": recipient,
                "title": title,
                "body": body,
                "actor": actor,
                "url": site_link(link),
                "list_url": site_link(reverse("notifications:list")),
            },
            actor=actor,
        )
    return notification


def notification_send_many(
    *,
    recipients: Iterable[User | None],
    title: str,
    body: str = "",
    link: str,
    kind: str,
    actor: User | None,
    email: bool = True,
) -> list[Notification]:
    """``notification_send`` to each of ``recipients`` once, for "the assignee and the creator
    are told": the same person in both roles gets one notification, and a None (no assignee
    yet, a deleted account) is skipped. Returns the notifications sent."""
    sent = []
    seen = set()
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        notification = notification_send(
            recipient=recipient,
            title=title,
            body=body,
            link=link,
            kind=kind,
            actor=actor,
            email=email,
        )
        if notification is not None:
            sent.append(notification)
    return sent
