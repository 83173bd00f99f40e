"""In-portal notifications: a short message to one person about something that happened (a
tracker assigned to them, approved or rejected...), listed at /notifications/ with the unread
count in the header, and usually emailed too (``users.notifications.notification_send``).

Not on the audit trail (no auditlog registration): a notification is not learner data but a
pointer to a change that its own app records and audits, and its only state of its own, read or
unread, is the recipient's display preference (like ``User.collapsed_sections``). Recording
every "marked as read" would bury the trail in noise.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


def validate_site_path(value: str) -> None:
    """A link within the portal: a path such as "/users/12/trackers/3/". Anything else (a full
    URL, "//host/...", which browsers read as another site, a backslash, which some read as a
    slash, or a control character) would let a notification send its reader elsewhere."""
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or any(ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise ValidationError(
            "The link must be a path within the portal, starting with a single /.",
            code="site_path",
        )


class NotificationQuerySet(models.QuerySet):
    def for_recipient(self, user) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def mark_read(self) -> int:
        """Mark the unread ones read now; returns how many. A bulk update is fine: the model is
        not audited (see the module docstring)."""
        return self.unread().update(read_at=timezone.now())


class Notification(models.Model):
    # Deleted with its recipient: it is theirs alone and means nothing to anyone else.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        # The indexes below lead with the recipient.
        db_index=False,
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(
        max_length=500,
        validators=[validate_site_path],
        help_text="The page the notification opens, a path within the portal.",
    )
    kind = models.CharField(max_length=30, help_text='What sent it, for example "tracker".')
    # Who caused it; kept (SET_NULL) when that account goes.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list: one person's notifications, newest first, read in index order.
            models.Index(fields=["recipient", "-created_at", "-id"], name="users_notif_list"),
            # The header's unread count: only unread rows are in it, so it stays small however
            # many old notifications a person has.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="users_notif_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def mark_read(self) -> None:
        """Mark it read unless it already is (the first reading time is kept). One conditional
        UPDATE, so two tabs opening it at once agree."""
        if self.read_at is not None:
            return
        now = timezone.now()
        if Notification.objects.filter(pk=self.pk, read_at__isnull=True).update(read_at=now):
            self.read_at = now
