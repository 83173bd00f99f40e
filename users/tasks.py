"""Sending the outbox's emails on Django's task framework (the django-tasks backport).

The task takes only the row's pk: the row holds the rendered message and its state, so the task
can be queued again and run by any worker. Delivery is at-least-once: a worker killed after the
mail server accepted the message but before the row says Sent leaves it Sending, and
``recover_stalled`` sends it again, so that one email may arrive twice. Losing an invitation is
worse than a rare duplicate, so this is the accepted trade-off.
"""

from __future__ import annotations

import logging
import smtplib
import socket

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .email_models import OutboundEmail

logger = logging.getLogger(__name__)

Status = OutboundEmail.Status


@task()
def send_email(email_pk: int) -> str:
    """Send outbox row ``email_pk`` unless it is sent, being sent, or not waiting to be sent."""
    # Claim the row by a conditional update, so two workers given the same row (queued twice,
    # or re-queued by a recovery) send it once: only the one whose update matched goes on.
    claimed = OutboundEmail.objects.filter(pk=email_pk, status=Status.QUEUED).update(
        status=Status.SENDING, attempts=F("attempts") + 1, heartbeat_at=timezone.now()
    )
    if not claimed:
        logger.info("Email %s is not waiting to be sent: nothing to do", email_pk)
        return "skipped"
    email = OutboundEmail.objects.get(pk=email_pk)
    try:
        _message(email).send()
    except Exception as error:  # the row must end in a state the pages can show
        reason, temporary = failure_reason(error, email.address)
        logger.exception("Email %s to %s failed: %s", email.pk, email.address, reason)
        return _failed(email, reason, temporary)
    OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), error="", temporary=False
    )
    return "sent"


def enqueue_send(email_pk: int, *, delay=None) -> None:
    """Queue ``send_email`` for the row (after ``delay`` where the backend can defer) and keep
    the task's id on it; a row without one never reached the queue (see recover_stalled)."""
    runner = send_email
    if delay and runner.get_backend().supports_defer:
        runner = runner.using(run_after=timezone.now() + delay)
    result = runner.enqueue(email_pk)
    OutboundEmail.objects.filter(pk=email_pk).update(task_result_id=result.id)


def _message(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.address],
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def _failed(email: OutboundEmail, reason: str, temporary: bool) -> str:
    """Failed with the reason; a temporary failure is queued again, later, until the row has
    been tried settings.TASKS_MAX_ATTEMPTS times."""
    retry = temporary and email.attempts < settings.TASKS_MAX_ATTEMPTS
    status = Status.QUEUED if retry else Status.FAILED
    OutboundEmail.objects.filter(pk=email.pk, status=Status.SENDING).update(
        status=status, error=reason, temporary=temporary
    )
    if retry:
        enqueue_send(email.pk, delay=settings.EMAIL_RETRY_DELAY)
        return "retrying"
    return "failed"


def failure_reason(error: Exception, address: str) -> tuple[str, bool]:
    """Why sending failed, in plain English for the administrator, and whether trying again
    later may work (the server down or busy, a timeout, a 4xx reply)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        temporary = bool(codes) and all(400 <= code < 500 for code in codes)
        return f"The mail server refused the address {address}", temporary
    if isinstance(error, smtplib.SMTPSenderRefused):
        return (
            f"The mail server refused the portal's sender address {error.sender}",
            400 <= error.smtp_code < 500,
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "The mail server did not accept the portal's user name or password", False
    if isinstance(error, smtplib.SMTPConnectError):
        return "The mail server refused the connection", True
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection before the email was sent", True
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
        return (
            f"The mail server refused the email ({error.smtp_code}: {text})",
            400 <= error.smtp_code < 500,
        )
    if isinstance(error, ConnectionRefusedError):
        return "The mail server refused the connection", True
    if isinstance(error, TimeoutError):
        return "The mail server did not answer in time", True
    if isinstance(error, socket.gaierror):
        return "The mail server's name could not be found (check EMAIL_HOST)", True
    if isinstance(error, OSError):
        return f"The mail server could not be reached ({error})", True
    return f"The email could not be sent ({type(error).__name__}: {error})", False


def recover_stalled() -> list[str]:
    """Emails whose worker vanished: queued again until settings.TASKS_MAX_ATTEMPTS, then
    Failed with the reason. Returns one line per email it changed, for the recovery command.

    A row left Sending with no heartbeat for settings.TASKS_STALLED_AFTER lost its worker
    mid-send (it may have gone: see the module's note on duplicates). A row Queued that long
    without a task id never reached the queue (the queue was down when it was committed).
    """
    now = timezone.now()
    cutoff = now - settings.TASKS_STALLED_AFTER
    lines = []
    for email in OutboundEmail.objects.filter(status=Status.SENDING, heartbeat_at__lt=cutoff):
        # Claimed by the heartbeat seen here, so two recoveries at once act once.
        claimed = OutboundEmail.objects.filter(
            pk=email.pk, status=Status.SENDING, heartbeat_at=email.heartbeat_at
        )
        if email.attempts >= settings.TASKS_MAX_ATTEMPTS:
            reason = (
                f"The worker sending this email stopped before it finished, {email.attempts} "
                "times; it may not have been delivered"
            )
            if claimed.update(status=Status.FAILED, error=reason, temporary=False):
                lines.append(f"Email {email.pk} to {email.address}: failed ({reason}).")
        elif claimed.update(status=Status.QUEUED, heartbeat_at=now, task_result_id=""):
            enqueue_send(email.pk)
            lines.append(f"Email {email.pk} to {email.address}: its worker stopped, queued again.")
    never_queued = OutboundEmail.objects.filter(
        status=Status.QUEUED, task_result_id="", created_at__lt=cutoff
    ).exclude(heartbeat_at__gte=cutoff)
    for email in never_queued:
        enqueue_send(email.pk)
        lines.append(f"Email {email.pk} to {email.address}: had not reached the queue, queued.")
    return lines
