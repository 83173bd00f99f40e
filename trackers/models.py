"""Trackers: a piece of work about one learner (a job outcome, a compliance problem, a change to
their programme) with a type, a status, an assignee and a history.

A change-request tracker (``TrackerType.change`` set) also holds the proposed change as data
(``Tracker.change_data``, written by the form of its kind in ``trackers.changes``). Approving it
applies the change through the same audited services a person would use (``services``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from aptem.models import LearnerOwned, learner_field
from aptem.validators import sensible_date, validate_phone, validate_postcode
from aptem.versioning import Versioned
from compliance.models import ComplianceDocument
from programmes.models import Enrolment
from users.models import Organisation


class Change(models.TextChoices):
    """What approving a change-request tracker does (``trackers.changes`` applies each)."""

    BREAK = "BREAK", "Break in learning"
    RETURN = "RETURN", "Return to learning"
    PROGRAMME = "PROGRAMME", "Change of programme"
    WITHDRAWAL = "WITHDRAWAL", "Withdrawal"
    COMPLETION = "COMPLETION", "Completion"
    EMPLOYER = "EMPLOYER", "Change of employer"
    HOURS = "HOURS", "Change of working hours"
    NAME = "NAME", "Change of learner name"
    CONTACT = "CONTACT", "Change of contact details"
    LEARNING_SUPPORT = "LEARNING_SUPPORT", "Additional learning support"
    ILR = "ILR", "ILR change request"


class TrackerType(models.Model):
    """A kind of tracker. The built-in ones have a ``code`` (made by a migration); a provider
    adds its own in the Django admin (no code, no change)."""

    class Outcome(models.TextChoices):
        """A job outcome projects sustained-employment milestones (``trackers.milestones``)."""

        NONE = "", "None"
        JOB = "JOB", "Job"
        SELF_EMPLOYMENT = "SELF_EMPLOYMENT", "Self-employment"

    name = models.CharField(max_length=80, unique=True)
    code = models.SlugField(max_length=30, unique=True, null=True, blank=True, editable=False)
    change = models.CharField(
        "change it requests",
        max_length=20,
        choices=Change.choices,
        blank=True,
        help_text="Set for change requests: approving one applies the change.",
    )
    outcome = models.CharField(
        "job outcome", max_length=20, choices=Outcome.choices, blank=True, default=Outcome.NONE
    )
    is_active = models.BooleanField("offered for new trackers", default=True)
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_change_request(self) -> bool:
        return bool(self.change)

    @property
    def has_sustainability(self) -> bool:
        """Job and self-employment trackers carry the sustainability assessment."""
        return bool(self.outcome)


class TrackerQuerySet(models.QuerySet):
    def open(self) -> "TrackerQuerySet":
        return self.exclude(status__in=Tracker.FINISHED)


class Tracker(LearnerOwned, Versioned):
    class Status(models.TextChoices):
        NEW = "NEW", "New"
        IN_PROGRESS = "IN_PROGRESS", "In progress"
        AWAITING_APPROVAL = "AWAITING_APPROVAL", "Awaiting approval"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Rejected"
        CLOSED = "CLOSED", "Closed"

    # The statuses the edit form may move a tracker to from each status. Approved and Rejected
    # are reached only through Approve and Reject (approving a change request applies it), and
    # only change requests wait for approval.
    TRANSITIONS = {
        Status.NEW: (Status.IN_PROGRESS, Status.AWAITING_APPROVAL, Status.CLOSED),
        Status.IN_PROGRESS: (Status.AWAITING_APPROVAL, Status.CLOSED),
        Status.AWAITING_APPROVAL: (Status.IN_PROGRESS, Status.APPROVED, Status.REJECTED),
        Status.APPROVED: (Status.CLOSED,),
        Status.REJECTED: (Status.IN_PROGRESS, Status.CLOSED),
        Status.CLOSED: (Status.IN_PROGRESS,),
    }
    DECISIONS = (Status.APPROVED, Status.REJECTED)
    FINISHED = (Status.APPROVED, Status.REJECTED, Status.CLOSED)

    class ContractType(models.TextChoices):
        PERMANENT = "PERMANENT", "Permanent"
        FIXED_TERM = "FIXED_TERM", "Fixed term"
        TEMPORARY = "TEMPORARY", "Temporary"
        ZERO_HOURS = "ZERO_HOURS", "Zero hours"
        APPRENTICESHIP = "APPRENTICESHIP", "Apprenticeship"
        SELF_EMPLOYED = "SELF_EMPLOYED", "Self-employed"

    class Risk(models.TextChoices):
        LOW = "LOW", "Low"
        MEDIUM = "MEDIUM", "Medium"
        HIGH = "HIGH", "High"

    # Covered by the (learner, -created_at) index below.
    learner = learner_field("trackers", db_index=False)
    tracker_type = models.ForeignKey(
        TrackerType, on_delete=models.PROTECT, related_name="trackers", verbose_name="type"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_trackers",
        limit_choices_to={"user_type": "ADMINISTRATOR"},
    )
    enrolment = models.ForeignKey(
        Enrolment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trackers",
        verbose_name="programme",
    )
    description = models.TextField(max_length=4000)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="trackers"
    )
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=8, blank=True, validators=[validate_postcode])
    contact_name = models.CharField("contact", max_length=100, blank=True)
    contact_email = models.EmailField("contact's email", blank=True)
    contact_phone = models.CharField(
        "contact's phone", max_length=30, blank=True, validators=[validate_phone]
    )
    start_date = models.DateField(null=True, blank=True, validators=[sensible_date])
    end_date = models.DateField(null=True, blank=True, validators=[sensible_date])

    # The sustainability assessment of a job or self-employment outcome.
    contract_type = models.CharField(
        max_length=20, choices=ContractType.choices, blank=True, default=""
    )
    weekly_hours = models.DecimalField(
        "hours a week",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.5"), "Hours a week must be at least 0.5."),
            MaxValueValidator(Decimal("80"), "Hours a week cannot be more than 80."),
        ],
    )
    hourly_rate = models.DecimalField(
        "hourly rate (£)",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.01"), "The hourly rate must be more than £0."),
            MaxValueValidator(Decimal("1000"), "The hourly rate cannot be more than £1,000."),
        ],
    )
    expected_duration_months = models.PositiveSmallIntegerField(
        "expected duration (months)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(600, "The expected duration cannot be over 50 years.")],
    )
    travel = models.CharField("travel to work", max_length=200, blank=True)
    support_needed = models.TextField("support needed", max_length=2000, blank=True)
    risk_rating = models.CharField(max_length=6, choices=Risk.choices, blank=True, default="")
    risk_reasons = models.TextField("reasons for the risk rating", max_length=2000, blank=True)

    # A change request's proposed change, as the form of its kind cleaned it (dates as ISO text).
    change_data = models.JSONField("proposed change", default=dict, blank=True)
    # A Compliance tracker raised to reject a compliance document ("rejected via tracker").
    compliance_document = models.ForeignKey(
        ComplianceDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trackers",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="approved or rejected by",
    )
    decided_at = models.DateTimeField("approved or rejected at", null=True, blank=True)
    rejection_reason = models.TextField("reason for rejection", max_length=2000, blank=True)
    # The evidence (a marriage certificate, a letter from the employer) filed in Documents.
    documents = models.ManyToManyField("documents.Document", blank=True, related_name="trackers")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackerQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "-created_at"], name="tracker_learner_time"),
            models.Index(fields=["assignee", "status"], name="tracker_assignee_status"),
            models.Index(fields=["status", "-created_at"], name="tracker_status_time"),
        ]
        permissions = [
            ("create_trackers", "Can create and edit trackers"),
            ("approve_trackers", "Can approve and reject change requests"),
        ]

    def __str__(self) -> str:
        return f"{self.tracker_type} #{self.pk}"

    @property
    def reference(self) -> str:
        return f"T{self.pk}"

    def next_statuses(self) -> tuple[str, ...]:
        """The statuses the edit form offers: no approval step for an ordinary tracker, and
        Approved or Rejected only through the Approve and Reject actions."""
        allowed = self.TRANSITIONS[self.status]
        if not self.tracker_type.is_change_request:
            allowed = tuple(s for s in allowed if s != self.Status.AWAITING_APPROVAL)
        return tuple(s for s in allowed if s not in self.DECISIONS)

    @property
    def awaits_decision(self) -> bool:
        return self.tracker_type.is_change_request and self.status in (
            self.Status.NEW,
            self.Status.IN_PROGRESS,
            self.Status.AWAITING_APPROVAL,
        )


class TrackerNote(LearnerOwned):
    """A note added to a tracker; kept, never edited."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField("note", max_length=4000)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:60]


class TrackerMilestone(models.Model):
    """A sustained-employment milestone a job tracker projected (``trackers.milestones``)."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="milestone_links")
    milestone = models.OneToOneField(
        "programmes.Milestone", on_delete=models.CASCADE, related_name="tracker_link"
    )
    weeks = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tracker", "weeks"], name="tracker_milestone_weeks")
        ]

    def __str__(self) -> str:
        return f"{self.tracker} {self.weeks} weeks"


__all__ = [
    "Change",
    "Tracker",
    "TrackerMilestone",
    "TrackerNote",
    "TrackerType",
]
