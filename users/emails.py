"""Emails go through the outbox (``OutboundEmail``) and a task, never from the request.

``email_queue`` renders the message, saves its row and queues ``users.tasks.send_email`` once
the surrounding transaction commits (DESIGN.md §8): a rolled-back change sends nothing, and a
mail server that is down or slow never holds a page. The row then says whether the email went,
so the administrator sees a failure instead of it being lost in a log.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .email_models import OutboundEmail
from .models import User
from .tasks import enqueue_send

logger = logging.getLogger(__name__)


def site_link(path: str) -> str:
    """An absolute link for an email sent by a background job, which has no request to ask:
    built on settings.SITE_URL (where people reach the portal)."""
    return settings.SITE_URL.rstrip("/") + path


def email_queue(
    *,
    to: User | str,
    subject: str,
    template: str,
    context: dict,
    kind: str,
    actor: User | None,
) -> OutboundEmail:
    """Render ``template``.txt and .html with ``context``, keep the result and queue sending.

    ``to`` is a user (their email address now) or a bare address for someone without an account.
    """
    recipient = to if isinstance(to, User) else None
    address = to.email if isinstance(to, User) else to
    if not address:
        raise ValueError(f"{to.full_name} has no email address.")
    email = OutboundEmail.objects.create(
        recipient=recipient,
        address=address,
        kind=kind,
        subject=subject,
        text_body=render_to_string(f"{template}.txt", context),
        html_body=render_to_string(f"{template}.html", context),
        created_by=actor,
    )
    # robust: the data the email is about is committed by now; a queue that is down must not
    # turn the page into an error. The row stays Queued with no task, and recover_stalled
    # queues it later.
    transaction.on_commit(partial(enqueue_send, email.pk), robust=True)
    return email


def notify(
    *, user: User, subject: str, template: str, context: dict, actor: User | None
) -> OutboundEmail | None:
    """Tell ``user`` by email that something they started has finished (a Notification).

    Someone without an email address is simply not told (returns None): a job's outcome is on
    its page anyway, and a missing address must not fail the job that notifies.
    """
    if not user.email:
        logger.info("User %s has no email address: notification %r not sent", user.pk, subject)
        return None
    return email_queue(
        to=user,
        subject=subject,
        template=template,
        context=context,
        kind=OutboundEmail.Kind.NOTIFICATION,
        actor=actor,
    )


@transaction.atomic
def email_send_again(*, emails: Iterable[OutboundEmail], actor: User) -> int:
    """Queue failed emails once more, with their attempts counted afresh (a person asked).

    Only rows still Failed are touched, so a row another worker is sending is left alone.
    Returns how many were queued.
    """
    pks = [email.pk for email in emails]
    failed = OutboundEmail.objects.filter(pk__in=pks, status=OutboundEmail.Status.FAILED)
    again = list(failed.select_for_update().values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=again).update(
        status=OutboundEmail.Status.QUEUED,
        attempts=0,
        error="",
        temporary=False,
        task_result_id="",
        heartbeat_at=timezone.now(),
    )
    for pk in again:
        transaction.on_commit(partial(enqueue_send, pk), robust=True)
    logger.info("%s queued %d failed emails again: %s", actor, len(again), again)
    return len(again)
