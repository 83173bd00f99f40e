"""Progress reviews: templates per programme (versioned once in use), their sections and
questions, and the reviews conducted with a learner, with their answers.

A template's versions share a ``family``; only the newest (``is_current``) is offered for new
reviews, and a review keeps the version it was conducted with, so changing a template in use
never changes a review already held.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.versioning import Versioned
from programmes.models import Enrolment, Programme


class ReviewTemplate(Versioned):
    class Purpose(models.TextChoices):
        PROGRESS = "PROGRESS", "Progress review"
        GATEWAY = "GATEWAY", "Gateway review"
        WELFARE = "WELFARE", "Welfare review"
        INDUCTION = "INDUCTION", "Induction"
        OTHER = "OTHER", "Other"

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="review_templates"
    )
    # Every version of one template shares its family; ``number`` counts them from 1.
    family = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    number = models.PositiveSmallIntegerField("template version", default=1, editable=False)
    is_current = models.BooleanField(default=True, editable=False)
    name = models.CharField(max_length=120)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.PROGRESS)
    # Who sees a review made from this template (administrators always do).
    visible_to_learner = models.BooleanField("learner sees it", default=True)
    visible_to_employer = models.BooleanField("employer sees it", default=True)
    visible_to_referrer = models.BooleanField("referrer sees it", default=False)
    # Who must sign a completed review.
    learner_signs = models.BooleanField("learner signs", default=True)
    employer_signs = models.BooleanField("employer signs", default=True)
    administrator_signs = models.BooleanField("administrator signs", default=True)
    checklist = models.TextField("preparation checklist", blank=True, help_text="One item a line.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = created_by_field()

    class Meta:
        ordering = ["programme", "name", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["family", "number"], name="review_template_number"),
            models.UniqueConstraint(
                fields=["family"], condition=Q(is_current=True), name="review_template_current"
            ),
        ]
        permissions = [
            ("manage_review_templates", "Can manage review templates"),
            ("conduct_reviews", "Can plan and conduct reviews"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def signers_text(self) -> str:
        """Who signs a review made from it, in words ("Learner, employer and administrator")."""
        parties = [
            party
            for party, signs in (
                ("learner", self.learner_signs),
                ("employer", self.employer_signs),
                ("administrator", self.administrator_signs),
            )
            if signs
        ]
        if not parties:
            return "Nobody"
        words = parties[0] if len(parties) == 1 else ", ".join(parties[:-1]) + " and " + parties[-1]
        return words[0].upper() + words[1:]

    def checklist_items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class TemplateSection(models.Model):
    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)

    class Meta:
        ordering = ["template", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "SHORT_TEXT", "Short text"
        LONG_TEXT = "LONG_TEXT", "Long text"
        RATING = "RATING", "Rating 1-5"
        YES_NO = "YES_NO", "Yes or no"
        DATE = "DATE", "Date"
        CHOICE = "CHOICE", "Single choice"
        # Read-only blocks: what the learner's record showed when the review was held.
        PROGRESS_BLOCK = "PROGRESS_BLOCK", "Learner's progress (read only)"
        OTJ_BLOCK = "OTJ_BLOCK", "Off-the-job hours (read only)"
        TARGETS_BLOCK = "TARGETS_BLOCK", "Targets (read only)"

    READ_ONLY_KINDS = frozenset({Kind.PROGRESS_BLOCK, Kind.OTJ_BLOCK, Kind.TARGETS_BLOCK})

    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SHORT_TEXT)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    options = models.TextField(blank=True, help_text="For a single choice: one option a line.")

    class Meta:
        ordering = ["section", "position", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read_only(self) -> bool:
        return self.kind in self.READ_ONLY_KINDS

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class Review(LearnerOwned, Versioned):
    class Status(models.TextChoices):
        PLANNED = "PLANNED", "Planned"
        IN_PROGRESS = "IN_PROGRESS", "In progress"
        AWAITING_SIGNATURES = "AWAITING", "Awaiting signatures"
        SIGNED = "SIGNED", "Signed"

    class MeetingType(models.TextChoices):
        FACE_TO_FACE = "FACE_TO_FACE", "Face to face"
        VIDEO = "VIDEO", "Video call"
        TELEPHONE = "TELEPHONE", "Telephone"
        WORKPLACE = "WORKPLACE", "Workplace visit"
        OTHER = "OTHER", "Other"

    # Held reviews: these count as done for the schedule (the date is ``held_on``).
    HELD_STATUSES = frozenset({Status.AWAITING_SIGNATURES, Status.SIGNED})

    learner = learner_field("reviews")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reviews")
    # The template version used; chosen when planning or starting, fixed once started.
    template = models.ForeignKey(
        ReviewTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    meeting_type = models.CharField(max_length=12, choices=MeetingType.choices, blank=True)
    conductor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"user_type": "ADMINISTRATOR"},
        verbose_name="conducted by",
    )
    planned_for = models.DateField("planned date", null=True, blank=True)
    held_on = models.DateField("date held", null=True, blank=True)
    duration_minutes = models.PositiveIntegerField("duration (minutes)", null=True, blank=True)
    # Checklist items ticked before starting (their text, as the template said then).
    checklist_done = models.JSONField(default=list, blank=True)
    # The read-only blocks' figures as they stood when the review was started.
    snapshot = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # 1 for the first signed form; a change after signing makes revision 2, signed again.
    revision = models.PositiveSmallIntegerField(default=1)
    # The signatures of the current revision (earlier envelopes stay in the signing app).
    envelope = models.ForeignKey(
        "signing.Envelope",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Agreed actions typed so far ({"text", "due"} each); they become action-plan tasks when
    # the review is completed.
    actions = models.JSONField(default=list, blank=True)
    # Signatures recorded on the current envelope: each one is a step on the audit trail.
    signatures_received = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-planned_for", "-held_on", "-pk"]
        indexes = [
            models.Index(fields=["learner", "status"], name="review_learner_status"),
            models.Index(fields=["enrolment", "held_on"], name="review_enrolment_held"),
        ]

    def __str__(self) -> str:
        name = self.template.name if self.template_id else "Review"
        return f"{name} ({self.get_status_display()})"

    @property
    def is_held(self) -> bool:
        return self.status in self.HELD_STATUSES


class Answer(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "question"], name="review_answer_once")
        ]

    def __str__(self) -> str:
        return self.value[:50]

    @property
    def audit_learner_id(self) -> int:
        # An answer sits on its review's learner's audit trail.
        return self.review.learner_id


class ReviewFiling(models.Model):
    """A review's PDF filed in the learner's Documents (folder Reviews): one per signed
    revision, so earlier signed forms stay listed after a change. ``envelope`` is the sealed
    envelope it came from (None when the template asks for no signatures)."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="filings")
    revision = models.PositiveSmallIntegerField(default=1)
    document = models.OneToOneField(
        "documents.Document", on_delete=models.PROTECT, related_name="review_filing"
    )
    envelope = models.ForeignKey(
        "signing.Envelope", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["review", "revision"]

    def __str__(self) -> str:
        return f"{self.review} revision {self.revision}"

    @property
    def audit_learner_id(self) -> int:
        return self.review.learner_id

    @property
    def seal_matches(self) -> bool:
        """The filed file is byte for byte the sealed one (compared by hash: no file read)."""
        return bool(self.envelope and self.envelope.sealed_sha256 == self.document.sha256)


# The review schedule's models live in their own module; Django registers them from here.
from reviews.due_models import ReviewDue, ReviewSchedule  # noqa: E402, F401
