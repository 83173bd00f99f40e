"""Milestones, course progress and functional skills: learner-owned records of the Programme
area of the profile (DESIGN.md §4). Imported at the bottom of ``programmes.models`` so they
belong to the programmes app."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from aptem.models import LearnerOwned, learner_field
from aptem.uploads import FUNCTIONAL_SKILL_EVIDENCE, random_name
from aptem.validators import past_date, sensible_date
from aptem.versioning import Versioned

__all__ = [
    "PROGRESS_MODELS",
    "Course",
    "FunctionalSkillAssessment",
    "LearnerCourse",
    "Milestone",
    "evidence_upload_to",
]

MAX_WEEKS_REMAINING = 520  # ten years: more than any apprenticeship lasts


class VersionedMixin(Versioned):
    """A learner's record edited through forms, versioned against lost edits."""

    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Milestone(LearnerOwned, VersionedMixin):
    class Status(models.TextChoices):
        INVALID = "INVALID", "Invalid"
        ACTIVE = "ACTIVE", "Active"
        PROJECTED = "PROJECTED", "Projected"
        # A job outcome's milestone whose employment ends before it (trackers.milestones).
        AT_RISK = "AT_RISK", "At risk"
        ACHIEVED = "ACHIEVED", "Achieved"
        VERIFIED = "VERIFIED", "Verified"

    class Claim(models.TextChoices):
        NOT_CLAIMED = "NOT_CLAIMED", "Not claimed"
        CLAIMED = "CLAIMED", "Claimed"
        PAID = "PAID", "Paid"
        REFUNDED = "REFUNDED", "Refunded"
        REJECTED = "REJECTED", "Rejected"
        ON_HOLD = "ON_HOLD", "On hold"

    ACHIEVED_STATUSES = frozenset({Status.ACHIEVED, Status.VERIFIED})
    # A claim can only be made for a milestone that was reached.
    CLAIMED_STATUSES = frozenset({Claim.CLAIMED, Claim.PAID, Claim.REFUNDED})

    # Covered by the (learner, date) index below.
    learner = learner_field("milestones", db_index=False)
    enrolment = models.ForeignKey(
        "programmes.Enrolment",
        # A milestone belongs to its programme: it goes with the enrolment (and the learner).
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name="programme",
    )
    description = models.CharField(max_length=200)
    date = models.DateField("projected date", validators=[sensible_date])
    employer_weeks_remaining = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WEEKS_REMAINING)],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROJECTED)
    claim_status = models.CharField(max_length=12, choices=Claim.choices, default=Claim.NOT_CLAIMED)
    achievement_date = models.DateField(null=True, blank=True, validators=[past_date])
    payment_amount = models.DecimalField(
        "payment amount (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    paid_date = models.DateField(null=True, blank=True, validators=[past_date])
    credit_number = models.CharField(max_length=30, blank=True)
    debit_amount = models.DecimalField(
        "refunded amount (£)",
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    debit_date = models.DateField("refund date", null=True, blank=True, validators=[past_date])
    debit_number = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["learner", "date"], name="milestone_learner_date")]
        permissions = [("edit_milestones", "Can add, edit and delete milestones")]

    def __str__(self) -> str:
        return f"{self.description} ({self.date:%d/%m/%Y})"


class Course(models.Model):
    """The course catalogue offered by Start course; kept in the Django admin."""

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=30, unique=True)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class LearnerCourse(LearnerOwned, VersionedMixin):
    class Status(models.TextChoices):
        NOT_STARTED = "NOT_STARTED", "Not started"
        IN_PROGRESS = "IN_PROGRESS", "In progress"
        COMPLETED = "COMPLETED", "Completed"

    # Covered by the unique (learner, course) constraint below.
    learner = learner_field("learner_courses", db_index=False)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="learner_courses")
    started_on = models.DateField("started", null=True, blank=True, validators=[past_date])
    progress = models.PositiveSmallIntegerField(
        "progress (%)", default=0, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True, validators=[past_date])

    class Meta:
        verbose_name = "course progress"
        verbose_name_plural = "course progress"
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="learner_course_once"),
            models.CheckConstraint(
                name="learner_course_progress_0_100", condition=models.Q(progress__lte=100)
            ),
        ]
        permissions = [("record_course_progress", "Can start courses and record progress")]

    def __str__(self) -> str:
        return f"{self.course} ({self.get_status_display()}, {self.progress}%)"


def evidence_upload_to(instance: "FunctionalSkillAssessment", filename: str) -> str:
    """A random stored name: the uploader's file name never reaches the file system."""
    return random_name(FUNCTIONAL_SKILL_EVIDENCE.folder, filename)


class FunctionalSkillAssessment(LearnerOwned, VersionedMixin):
    class Subject(models.TextChoices):
        ENGLISH = "ENGLISH", "English"
        MATHS = "MATHS", "Maths"
        DIGITAL = "DIGITAL", "Digital (ICT)"

    class Kind(models.TextChoices):
        INITIAL = "INITIAL", "Initial assessment"
        DIAGNOSTIC = "DIAGNOSTIC", "Diagnostic"
        EXAM = "EXAM", "Exam"

    class Level(models.TextChoices):
        ENTRY_1 = "E1", "Entry 1"
        ENTRY_2 = "E2", "Entry 2"
        ENTRY_3 = "E3", "Entry 3"
        LEVEL_1 = "L1", "Level 1"
        LEVEL_2 = "L2", "Level 2"

    class Result(models.TextChoices):
        PASS = "PASS", "Pass"
        FAIL = "FAIL", "Fail"
        WORKING_AT = "WORKING_AT", "Working at this level"

    # Covered by the (learner, subject, -assessed_on) index below.
    learner = learner_field("functional_skills", db_index=False)
    subject = models.CharField(max_length=10, choices=Subject.choices)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    level = models.CharField(max_length=2, choices=Level.choices)
    score = models.PositiveSmallIntegerField(
        "score (%)", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    result = models.CharField(max_length=10, choices=Result.choices, blank=True)
    assessed_on = models.DateField("date", validators=[past_date])
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"user_type": "ADMINISTRATOR"},
    )
    assessor_name = models.CharField(
        "external assessor", max_length=100, blank=True, help_text="When not an administrator."
    )
    is_exempt = models.BooleanField("exempt", default=False)
    exemption_evidence = models.TextField(max_length=2000, blank=True)
    evidence_file = models.FileField(
        upload_to=evidence_upload_to, max_length=255, blank=True, verbose_name="evidence document"
    )
    evidence_name = models.CharField("evidence file name", max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_sha256 = models.CharField("evidence SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = "functional skills assessment"
        ordering = ["subject", "-assessed_on", "-pk"]
        indexes = [
            models.Index(
                fields=["learner", "subject", "-assessed_on"], name="fs_learner_subject_date"
            )
        ]
        permissions = [("record_functional_skills", "Can record functional skills assessments")]

    def __str__(self) -> str:
        return (
            f"{self.get_subject_display()} {self.get_kind_display().lower()}, "
            f"{self.get_level_display()} ({self.assessed_on:%d/%m/%Y})"
        )

    @property
    def assessor_display(self) -> str:
        if self.assessor_id:
            return self.assessor.full_name
        return self.assessor_name


PROGRESS_MODELS = [Milestone, Course, LearnerCourse, FunctionalSkillAssessment]
