from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.validators import sensible_date


class ActivityEvent(models.Model):
    """One sign-in or page visit. High-volume telemetry: kept compact and not audited."""

    class Kind(models.TextChoices):
        SIGN_IN = "SIGN_IN", "Sign-in"
        PAGE_VISIT = "PAGE_VISIT", "Page visit"

    class Area(models.TextChoices):
        PROGRAMME_DETAILS = "PROGRAMME", "Programme details"
        ONBOARDING = "ONBOARDING", "Onboarding"
        SUB_PROGRAMME = "SUB_PROG", "Sub-programme"
        PREVIOUS_PROGRAMMES = "PREVIOUS", "Previous programmes"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="activity_events",
        # Covered by the (user, occurred_at) index below.
        db_index=False,
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    area = models.CharField(max_length=10, choices=Area.choices, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["user", "occurred_at"], name="activity_user_time")]
        constraints = [
            models.CheckConstraint(
                name="activity_area_matches_kind",
                condition=Q(kind="SIGN_IN", area="") | (Q(kind="PAGE_VISIT") & ~Q(area="")),
            )
        ]

    def __str__(self) -> str:
        what = self.get_area_display() if self.area else self.get_kind_display()
        return f"{what} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def description(self) -> str:
        if self.kind == self.Kind.SIGN_IN:
            return "Signed in"
        return f"Visited {self.get_area_display()}"


TASK_TITLE_MAX_LENGTH = 200


class Task(LearnerOwned):
    """Something the learner should do, set by an administrator; may go in the action plan."""

    class Status(models.TextChoices):
        OPEN = "OPEN", "Open"
        DONE = "DONE", "Done"

    learner = learner_field("tasks")
    title = models.CharField(max_length=TASK_TITLE_MAX_LENGTH)
    due_date = models.DateField("due date", null=True, blank=True, validators=[sensible_date])
    status = models.CharField(max_length=4, choices=Status.choices, default=Status.OPEN)
    in_action_plan = models.BooleanField("in the action plan", default=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = created_by_field("set by")

    class Meta:
        # Open tasks first, soonest due first; tasks without a due date after dated ones.
        ordering = ["-status", models.F("due_date").asc(nulls_last=True), "-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
