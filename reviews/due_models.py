"""The review schedule's models: each programme's review interval, and the next due date of
every learner in a learning status, kept up to date so the Reviews due page reads it rather
than computing it for each learner (see ``reviews.schedule`` for the rule)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from programmes.models import Enrolment, Programme

from .schedule import DEFAULT_INTERVAL_WEEKS, MAX_INTERVAL_WEEKS, MIN_INTERVAL_WEEKS


class ReviewSchedule(models.Model):
    """A programme's progress review interval; a programme without one uses 12 weeks."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="review_schedule"
    )
    interval_weeks = models.PositiveSmallIntegerField(
        "review interval (weeks)",
        default=DEFAULT_INTERVAL_WEEKS,
        validators=[MinValueValidator(MIN_INTERVAL_WEEKS), MaxValueValidator(MAX_INTERVAL_WEEKS)],
    )

    def __str__(self) -> str:
        return f"Progress reviews every {self.interval_weeks} weeks"


class ReviewDue(models.Model):
    """When the next progress review of one current enrolment in a learning status is due.

    Derived data, refreshed by ``reviews.due_services.refresh_due`` whenever what it depends on
    changes (reviews, the enrolment, its breaks, the programme's interval), and by the
    ``refresh_review_due`` command after imports. It stores the due date, not "overdue": that is
    worked out from today when it is read, so no nightly job is needed. Not audited: every
    record it is computed from is.
    """

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="review_due")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=True
    )
    last_review_on = models.DateField("last progress review", null=True, blank=True)
    due_on = models.DateField("next review due", null=True, blank=True)
    # Set while the learner is on a break in learning (due_on is then empty).
    paused_since = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["due_on", "learner"], name="review_due_on"),
        ]

    def __str__(self) -> str:
        return f"Next review of {self.enrolment_id}: {self.due_on}"
