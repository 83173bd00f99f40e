"""The outbox: one row per email the portal sends (invitations, notifications), sent by a task.

The message is rendered when it is queued, so what the row holds is exactly what went (or was
meant to go): a later template change or a deleted object cannot change it. The row is also the
job's state for the task (``users.tasks.send_email``) and for the pages that show delivery.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    class Kind(models.TextChoices):
        INVITATION = "INVITATION", "Invitation"
        NOTIFICATION = "NOTIFICATION", "Notification"

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Queued"
        SENDING = "SENDING", "Sending"
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed"

    # Null for an address that has no account; kept (SET_NULL) if the account goes, so the
    # outbox still says what was sent to whom.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_emails",
    )
    address = models.EmailField(max_length=254)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    subject = models.CharField(max_length=255)
    text_body = models.TextField()
    html_body = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker tried it.")
    error = models.TextField(blank=True, help_text="Why the last attempt failed, in plain English.")
    # A temporary failure (server down, timeout, 4xx reply) is tried again; a permanent one not.
    temporary = models.BooleanField(default=False, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_result_id = models.CharField(max_length=64, blank=True)
    # Touched when a worker claims the row: a row left Sending with an old heartbeat lost its
    # worker mid-send (users.tasks.recover_stalled).
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "outbound email"
        indexes = [
            # The profile shows a user's latest email of a kind: one indexed lookup.
            models.Index(fields=["recipient", "kind", "-created_at"], name="users_email_latest"),
            models.Index(fields=["status", "heartbeat_at"], name="users_email_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.address}: {self.subject}"

    @property
    def delivery(self) -> str:
        """One line for a page: where this email stands."""
        if self.status == self.Status.SENT and self.sent_at:
            local = timezone.localtime(self.sent_at)
            return f"Email sent {local:%d/%m/%Y %H:%M}"
        if self.status == self.Status.FAILED:
            return f"Email not sent: {self.error}"
        return "Email queued"
