import datetime
import math
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from aptem.models import LearnerOwned, learner_field
from aptem.validators import date_range, sensible_date
from aptem.versioning import RECENT_ENTRIES, Versioned
from audit.models import AuditEntry

# Statutory annual leave (5.6 weeks a year) is not counted towards off-the-job training.
STATUTORY_LEAVE_WEEKS_PER_YEAR = Decimal("5.6")
OTJ_SHARE = Decimal("0.2")
DAYS_PER_YEAR = Decimal("365")
DAYS_PER_WEEK = Decimal("7")


def minimum_otj_hours(
    start: datetime.date | None, planned_end: datetime.date | None, weekly_hours: Decimal | None
) -> int | None:
    """The minimum off-the-job training hours for an apprenticeship.

    (programme weeks - 5.6 weeks' statutory leave for each year of the programme)
    x weekly hours x 0.2, where programme weeks = days from start to planned end / 7 and the
    years are days / 365. Rounded up to a whole hour, because it is a minimum. ``None`` when
    a date or the weekly hours are missing, or the end is not after the start.
    """
    if start is None or planned_end is None or weekly_hours is None or planned_end <= start:
        return None
    days = Decimal((planned_end - start).days)
    weeks = days / DAYS_PER_WEEK
    leave = STATUTORY_LEAVE_WEEKS_PER_YEAR * days / DAYS_PER_YEAR
    hours = (weeks - leave) * Decimal(weekly_hours) * OTJ_SHARE
    return max(0, math.ceil(hours.quantize(Decimal("0.0001"))))


class Programme(Versioned):
    class Kind(models.TextChoices):
        ONBOARDING = "ONBOARDING", "Onboarding"
        DELIVERY = "DELIVERY", "Delivery"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=30, unique=True)
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.DELIVERY)
    is_apprenticeship = models.BooleanField("apprenticeship", default=False)
    standard_code = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99999)],
        help_text="The apprenticeship standard's code (ILR StdCode), up to 5 digits.",
    )
    level = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(2, "The level must be between 2 and 7."),
            MaxValueValidator(7, "The level must be between 2 and 7."),
        ],
    )
    duration_months = models.PositiveSmallIntegerField(
        "duration (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "The duration must be at least 1 month.")],
    )
    weekly_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.1"), "Weekly hours must be more than 0."),
            MaxValueValidator(Decimal("60"), "Weekly hours cannot be more than 60."),
        ],
    )
    planned_otj_hours = models.PositiveIntegerField(
        "planned off-the-job hours",
        null=True,
        blank=True,
        validators=[MinValueValidator(1, "Planned off-the-job hours must be more than 0.")],
    )
    ilr_enabled = models.BooleanField("ILR enabled", default=False)
    # The default learning aims and FAMs new enrolments' ILRs start from. Kept as JSON, edited
    # in the Django admin only, until the ILR models exist (issue 4, point 4).
    ilr_template = models.JSONField("ILR template", default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_programmes", "Can create and edit programmes"),
            ("edit_programme_details", "Can enrol learners and stop programmes"),
            ("qa_verify_ilr", "Can QA-verify ILRs and edit verified ones"),
            ("manage_ilrs", "Can edit ILRs and export ILR files"),
        ]

    def __str__(self) -> str:
        return self.name

    def changes_since(self, version: int) -> list:
        """Who changed what in this programme after ``version`` was saved, its components
        included: every save of the programme form bumps the version, components and all, and
        each component's entry records the programme version it made."""
        components = AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ProgrammeComponent),
            additional_data__programme=self.pk,
            additional_data__programme_version__gt=version,
        ).select_related("actor", "content_type")
        latest = components.order_by("-timestamp", "-pk")[:RECENT_ENTRIES]
        own = super().changes_since(version)
        return sorted([*own, *latest], key=lambda e: (e.timestamp, e.pk))


# The stop date becomes the ILR's LearnActEndDate, which cannot be in the future.
STOP_DATE = date_range(
    "end date", days_ahead=0, why="it is when learning ended (DfE rule LearnActEndDate_04)"
)


class EnrolmentQuerySet(models.QuerySet):
    def current(self) -> "EnrolmentQuerySet":
        """The learner's current programmes (earlier ones are history)."""
        return self.filter(is_current=True)

    def for_learning_plan(self) -> "Enrolment | None":
        """The current programme whose learning plan, ledger and progress are shown: a delivery
        programme before an onboarding one."""
        # "DELIVERY" sorts before "ONBOARDING".
        return self.current().select_related("programme").order_by("programme__kind").first()

    def newest_current(self) -> "Enrolment | None":
        """The most recently made current enrolment (the one a new ILR starts from)."""
        return self.current().select_related("programme").order_by("-pk").first()


class Enrolment(LearnerOwned, Versioned):
    class Status(models.TextChoices):
        ONBOARDING = "ONBOARDING", "Onboarding"
        READY_TO_ENROL = "READY_TO_ENROL", "Ready to Enrol"
        ACTIVE = "ACTIVE", "Active"
        ON_A_BREAK = "ON_A_BREAK", "On a Break"
        ENTERED_EPA = "ENTERED_EPA", "Entered EPA"
        PENDING_CHANGE = "PENDING_CHANGE", "Pending Change of Programme"
        COMPLETE = "COMPLETE", "Complete"
        STOPPED = "STOPPED", "Stopped"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"

    learner = learner_field("enrolments")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ONBOARDING)
    is_current = models.BooleanField(
        default=True, help_text="The learner's current programme; earlier ones are history."
    )

    class WithdrawReason(models.TextChoices):
        # The ILR WithdrawReason code list (checked against the codes DfE's apprenticeship
        # service accepts, 2, 3, 7, 29, 40-48, 97, 98, plus 28 for OLASS learning).
        TRANSFERRED_PROVIDER = "2", "2: Learner has transferred to another provider"
        INJURY_ILLNESS = "3", "3: Learner injury or illness"
        TRANSFERRED_INTERVENTION = (
            "7",
            (
                "7: Learner has transferred between providers due to intervention by or with the "
                "written agreement of the funding body"
            ),
        )
        OLASS = (
            "28",
            "28: OLASS learner withdrawn due to circumstances outside the provider's control",
        )
        REDUNDANT = "29", "29: Learner has been made redundant"
        NEW_AIM_SAME_PROVIDER = (
            "40",
            ("40: Learner has transferred to a new learning aim with the same provider"),
        )
        GOVERNMENT_STRATEGY = (
            "41",
            (
                "41: Learner has transferred to another provider to undertake learning that meets "
                "a specific government strategy"
            ),
        )
        ACADEMIC_FAILURE = "42", "42: Academic failure, left in bad standing (HE aims only)"
        FINANCIAL = "43", "43: Financial reasons"
        PERSONAL = "44", "44: Other personal reasons"
        WRITTEN_OFF = "45", "45: Written off after lapse of time (HE aims only)"
        EXCLUSION = "46", "46: Exclusion"
        MERGER = "47", "47: Learner has transferred to another provider due to merger"
        INDUSTRIAL_PLACEMENT = (
            "48",
            (
                "48: Industrial placement learner withdrawn due to circumstances outside the "
                "provider's control"
            ),
        )
        OTHER = "97", "97: Other"
        NOT_KNOWN = "98", "98: Reason not known"

    # Which status may follow which; statuses absent as keys (or mapped to nothing) are final.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.ONBOARDING: frozenset({Status.READY_TO_ENROL, Status.STOPPED, Status.WITHDRAWN}),
        Status.READY_TO_ENROL: frozenset({Status.ACTIVE}),
        Status.ACTIVE: frozenset(
            {
                Status.ON_A_BREAK,
                Status.ENTERED_EPA,
                Status.PENDING_CHANGE,
                Status.STOPPED,
                Status.WITHDRAWN,
            }
        ),
        Status.ON_A_BREAK: frozenset(
            {Status.ACTIVE, Status.PENDING_CHANGE, Status.STOPPED, Status.WITHDRAWN}
        ),
        Status.ENTERED_EPA: frozenset({Status.COMPLETE}),
        Status.PENDING_CHANGE: frozenset(),
        Status.COMPLETE: frozenset(),
        Status.STOPPED: frozenset(),
        Status.WITHDRAWN: frozenset(),
    }
    # Stopping needs a date and an ILR withdrawal reason, so it goes through the stop page.
    STOP_STATUSES = frozenset({Status.STOPPED, Status.WITHDRAWN})

    start_date = models.DateField(null=True, blank=True, validators=[sensible_date])
    planned_end_date = models.DateField(null=True, blank=True, validators=[sensible_date])
    employer_start_date = models.DateField(null=True, blank=True, validators=[sensible_date])
    weekly_hours = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the learner stopped or left this programme.",
        validators=[STOP_DATE],
    )
    withdraw_reason = models.CharField(
        "withdrawal reason", max_length=2, choices=WithdrawReason.choices, blank=True
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-is_current", "-start_date", "-pk"]
        indexes = [
            models.Index(fields=["programme", "status", "learner"], name="enrolment_prog_status"),
            models.Index(fields=["learner", "is_current"], name="enrolment_learner_current"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.get_status_display()})"

    @property
    def minimum_otj_hours(self) -> int | None:
        return minimum_otj_hours(self.start_date, self.planned_end_date, self.weekly_hours)

    def allowed_statuses(self) -> list[str]:
        return [s for s in self.Status if s in self.TRANSITIONS.get(self.status, frozenset())]

    def may_change_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def can_be_stopped(self) -> bool:
        allowed = self.TRANSITIONS.get(self.status, frozenset())
        return self.Status.STOPPED in allowed or self.Status.PENDING_CHANGE in allowed

    @property
    def is_final(self) -> bool:
        return not self.TRANSITIONS.get(self.status)

    @property
    def plan_is_read_only(self) -> bool:
        """A break or the end of the programme freezes the learning plan and the OTJ ledger
        (assessing evidence, verifying hours and filling the ILR still work)."""
        return self.status in PLAN_READ_ONLY_STATUSES


class LearningBreak(LearnerOwned):
    """A break in learning: from the day the enrolment went On a Break to the day it left that
    status (open, ``ended_on`` empty, while the learner is still on the break).

    Written by the status-change services in the same transaction as the status, so the
    history of breaks always matches the statuses the enrolment went through.
    """

    learner = learner_field("learning_breaks")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="breaks")
    started_on = models.DateField("break started", validators=[sensible_date])
    ended_on = models.DateField("break ended", null=True, blank=True, validators=[sensible_date])

    class Meta:
        ordering = ["enrolment", "started_on", "pk"]
        indexes = [models.Index(fields=["enrolment", "started_on"], name="break_enrolment_start")]

    def __str__(self) -> str:
        if self.ended_on is None:
            return f"Break in learning from {self.started_on:%d/%m/%Y}"
        return f"Break in learning {self.started_on:%d/%m/%Y} to {self.ended_on:%d/%m/%Y}"

    @property
    def days(self) -> int | None:
        """How long the break lasted, in days (None while it is open)."""
        if self.ended_on is None:
            return None
        return max((self.ended_on - self.started_on).days, 0)


PLAN_READ_ONLY_STATUSES = frozenset(
    {
        Enrolment.Status.ON_A_BREAK,
        Enrolment.Status.PENDING_CHANGE,
        Enrolment.Status.COMPLETE,
        Enrolment.Status.STOPPED,
        Enrolment.Status.WITHDRAWN,
    }
)


# Django registers an app's models from programmes.models; the ILR entities, the learning plan
# (with the OTJ ledger and the onboarding wizard) and progress (milestones, courses, functional
# skills) live in their areas' modules, so they are imported, and re-exported, by name here.
from programmes.ilr.import_models import IlrImport, IlrImportRow  # noqa: E402
from programmes.ilr.models import (  # noqa: E402
    ILR_MODELS,
    AppFinRecord,
    DestinationProgression,
    EmploymentStatusMonitoring,
    IlrChild,
    IlrExport,
    IlrLearner,
    LearnerEmploymentStatus,
    LearnerFAM,
    LearnerHE,
    LearnerHEFinancialSupport,
    LearningDelivery,
    LearningDeliveryFAM,
    LearningDeliveryHE,
    LearningDeliveryWorkPlacement,
    LLDDandHealthProblem,
    PriorAttain,
    ProviderSpecDeliveryMonitoring,
    ProviderSpecLearnerMonitoring,
)
from programmes.learning.models import (  # noqa: E402
    LEARNING_MODELS,
    Certification,
    ComponentKind,
    EvidenceItem,
    LearnerComponent,
    OtjEntry,
    ProgrammeComponent,
    WizardProgress,
)
from programmes.progress.models import (  # noqa: E402
    PROGRESS_MODELS,
    Course,
    FunctionalSkillAssessment,
    LearnerCourse,
    Milestone,
)

__all__ = [
    "ILR_MODELS",
    "LEARNING_MODELS",
    "PLAN_READ_ONLY_STATUSES",
    "PROGRESS_MODELS",
    "STOP_DATE",
    "AppFinRecord",
    "Certification",
    "ComponentKind",
    "Course",
    "DestinationProgression",
    "EmploymentStatusMonitoring",
    "Enrolment",
    "EnrolmentQuerySet",
    "EvidenceItem",
    "FunctionalSkillAssessment",
    "IlrChild",
    "IlrExport",
    "IlrImport",
    "IlrImportRow",
    "IlrLearner",
    "LLDDandHealthProblem",
    "LearnerComponent",
    "LearnerCourse",
    "LearnerEmploymentStatus",
    "LearnerFAM",
    "LearnerHE",
    "LearnerHEFinancialSupport",
    "LearningBreak",
    "LearningDelivery",
    "LearningDeliveryFAM",
    "LearningDeliveryHE",
    "LearningDeliveryWorkPlacement",
    "Milestone",
    "OtjEntry",
    "PriorAttain",
    "Programme",
    "ProgrammeComponent",
    "ProviderSpecDeliveryMonitoring",
    "ProviderSpecLearnerMonitoring",
    "WizardProgress",
    "minimum_otj_hours",
]
