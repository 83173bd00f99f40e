"""The learning plan (components, certifications, evidence), the off-the-job training ledger
and the onboarding wizard's saved steps, one learner at a time.

Progress and OTJ arithmetic lives in ``progress.py`` so models, pages and tests share it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum

from aptem.models import LearnerOwned, learner_field
from aptem.uploads import PLAN_EVIDENCE, random_name
from aptem.validators import past_date, sensible_date
from aptem.versioning import Versioned

MAX_OTJ_HOURS_PER_ENTRY = Decimal("24")


class VersionedLearnerOwned(LearnerOwned, Versioned):
    """A learner-owned record edited through forms: every edit bumps ``version`` and a form
    opened on an older version is refused with who changed what since (aptem.versioning,
    DESIGN.md §8)."""

    class Meta:
        abstract = True


class ComponentKind(models.TextChoices):
    KNOWLEDGE = "K", "Knowledge"
    SKILL = "S", "Skill"
    BEHAVIOUR = "B", "Behaviour"


class ProgrammeComponent(models.Model):
    """A knowledge, skill or behaviour of a programme; learners get their own copy."""

    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.CASCADE, related_name="components"
    )
    kind = models.CharField(max_length=1, choices=ComponentKind.choices)
    code = models.CharField(max_length=20, help_text="For example K1, S4 or B2.")
    title = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "order", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "code"], name="programme_component_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def get_additional_data(self) -> dict:
        # Components are edited with their programme and each save bumps the programme's
        # version: auditlog keeps both with the entry, so a stale programme form can list what
        # changed in its components since (Programme.changes_since).
        return {"programme": self.programme_id, "programme_version": self.programme.version}


def code_change_order(held: dict[int, str], wanted: dict[int, str]) -> list[int] | None:
    """The order in which to give components (pk -> code now held) their ``wanted`` codes
    without two holding one code at any moment (the database refuses that), or None when the
    changes go round in a circle (K1 and K2 swapping codes) and no order works."""
    held = dict(held)
    pending = [pk for pk, code in wanted.items() if held.get(pk) != code]
    order = []
    while pending:
        free = [pk for pk in pending if wanted[pk] not in {c for p, c in held.items() if p != pk}]
        if not free:
            return None
        for pk in free:
            held[pk] = wanted[pk]
        order += free
        pending = [pk for pk in pending if pk not in free]
    return order


class LearnerComponent(VersionedLearnerOwned):
    """One learner's copy of a programme component, or one added for this learner only."""

    class Status(models.TextChoices):
        NOT_STARTED = "NOT_STARTED", "Not started"
        IN_PROGRESS = "IN_PROGRESS", "In progress"
        COMPLETED = "COMPLETED", "Completed"

    learner = learner_field("learning_components")
    enrolment = models.ForeignKey(
        "programmes.Enrolment", on_delete=models.CASCADE, related_name="components"
    )
    source = models.ForeignKey(
        ProgrammeComponent,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        help_text="The programme component this was copied from; empty when added by hand.",
    )
    kind = models.CharField(max_length=1, choices=ComponentKind.choices)
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True, validators=[past_date])

    class Meta:
        ordering = ["order", "kind", "code", "pk"]
        permissions = [
            ("edit_learning_plan", "Can change learners' learning plans and log OTJ hours"),
        ]
        indexes = [models.Index(fields=["enrolment", "order"], name="learner_component_order")]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Certification(VersionedLearnerOwned):
    """A qualification or certificate the learner is expected to achieve, and when they did."""

    class Kind(models.TextChoices):
        QUALIFICATION = "QUALIFICATION", "Qualification"
        CERTIFICATE = "CERTIFICATE", "Certificate"

    learner = learner_field("certifications")
    enrolment = models.ForeignKey(
        "programmes.Enrolment", on_delete=models.CASCADE, related_name="certifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUALIFICATION)
    title = models.CharField(max_length=200)
    awarding_body = models.CharField(max_length=200, blank=True)
    expected_on = models.DateField("expected by", null=True, blank=True, validators=[sensible_date])
    achieved_on = models.DateField(null=True, blank=True, validators=[past_date])

    class Meta:
        ordering = ["expected_on", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_achieved(self) -> bool:
        return self.achieved_on is not None


def evidence_upload_to(instance: EvidenceItem, filename: str) -> str:
    """A random stored name, like documents' uploads: the uploader's name never reaches disk."""
    return random_name(PLAN_EVIDENCE.folder, filename)


class EvidenceItem(VersionedLearnerOwned):
    class Decision(models.TextChoices):
        PENDING = "PENDING", "Pending"
        ACCEPTED = "ACCEPTED", "Accepted"
        REFERRED = "REFERRED", "Referred"

    learner = learner_field("evidence_items")
    component = models.ForeignKey(
        LearnerComponent, on_delete=models.PROTECT, related_name="evidence"
    )
    description = models.CharField(max_length=500)
    date = models.DateField("evidence date", validators=[past_date])
    file = models.FileField(upload_to=evidence_upload_to, max_length=255, blank=True)
    original_name = models.CharField("file name", max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        permissions = [("assess_evidence", "Can accept or refer learners' evidence")]

    def __str__(self) -> str:
        return self.description


class OtjQuerySet(models.QuerySet):
    def totals(self) -> dict[str, Decimal]:
        """Logged and verified hours in one query."""
        sums = self.aggregate(
            logged=Sum("hours"), verified=Sum("hours", filter=Q(verified_at__isnull=False))
        )
        return {k: v or Decimal("0") for k, v in sums.items()}


class OtjEntry(VersionedLearnerOwned):
    """One off-the-job training activity on the learner's ledger."""

    class Activity(models.TextChoices):
        TEACHING = "TEACHING", "Teaching of theory (lectures, role play, simulations)"
        PRACTICAL = "PRACTICAL", "Practical training (shadowing, mentoring)"
        LEARNING_SUPPORT = "LEARNING_SUPPORT", "Learning support"
        INDUSTRY_VISIT = "INDUSTRY_VISIT", "Industry visits"
        COMPETITION = "COMPETITION", "Competitions"
        ONLINE = "ONLINE", "Online learning"
        ASSIGNMENT = "ASSIGNMENT", "Writing assessments or assignments"
        OTHER = "OTHER", "Other"

    learner = learner_field("otj_entries")
    enrolment = models.ForeignKey(
        "programmes.Enrolment", on_delete=models.CASCADE, related_name="otj_entries"
    )
    date = models.DateField(validators=[past_date])
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "Enter more than 0 hours."),
            MaxValueValidator(MAX_OTJ_HOURS_PER_ENTRY, "One entry cannot be more than 24 hours."),
        ],
    )
    activity_type = models.CharField(max_length=20, choices=Activity.choices)
    description = models.CharField(max_length=500)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)

    objects = OtjQuerySet.as_manager()

    class Meta:
        verbose_name = "off-the-job training entry"
        verbose_name_plural = "off-the-job training entries"
        ordering = ["-date", "-pk"]
        permissions = [("verify_otj_hours", "Can verify learners' off-the-job hours")]
        indexes = [models.Index(fields=["enrolment", "-date"], name="otj_enrolment_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_OTJ_HOURS_PER_ENTRY),
                name="otj_hours_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.hours} h {self.get_activity_type_display()}"

    @property
    def logged_by(self):
        return self.created_by

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class WizardQuerySet(models.QuerySet):
    def status_for(self, learner, viewer=None) -> list[dict]:
        """Each step of ``learner``'s wizard with its saved record (or None), in order, whether
        it is done, which one is next (the first not done), and whether ``viewer`` may open it
        (``may_use``, False without a viewer), in one query."""
        saved = {s.step: s for s in self.filter(learner=learner).select_related("completed_by")}
        rows, next_found = [], False
        for step in WizardProgress.Step:
            record = saved.get(step.value)
            done = record is not None and record.completed_at is not None
            is_next = not done and not next_found
            next_found = next_found or is_next
            may_use = viewer is not None and WizardProgress.may_use(viewer, step)
            rows.append(
                {
                    "step": step,
                    "record": record,
                    "done": done,
                    "is_next": is_next,
                    "may_use": may_use,
                }
            )
        return rows


# The ILR User tab's fields that the onboarding wizard's Personal information step edits: the
# step's form shows them and its service writes them, so both read this one list.
WIZARD_PERSONAL_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "lldd_health_prob",
    "ni_number",
    "postcode_prior",
    "postcode",
    "add_line1",
    "add_line2",
    "add_line3",
    "add_line4",
    "tel_no",
    "email",
    "privacy_notice_declared_on",
)


class WizardProgress(VersionedLearnerOwned):
    """One saved step of a learner's onboarding wizard: what was entered and when it was done."""

    class Step(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        ADVICE = "advice", "Advice"
        ASSESSMENTS = "assessments", "Assessments"
        PERSONAL = "personal", "Personal information"

    learner = learner_field("wizard_steps")
    step = models.CharField(max_length=20, choices=Step.choices)
    data = models.JSONField(default=dict, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Every step needs the learning plan's permission; Personal information writes the ILR's
    # User tab, so it needs the ILR's too. The step view and every link to a step ask may_use,
    # so nobody is led to a step that would refuse them.
    EDIT_PLAN = "programmes.edit_learning_plan"
    EXTRA_PERMISSIONS = {Step.PERSONAL.value: ("programmes.manage_ilrs",)}

    objects = WizardQuerySet.as_manager()

    class Meta:
        verbose_name = "onboarding wizard step"
        ordering = ["learner", "pk"]
        constraints = [models.UniqueConstraint(fields=["learner", "step"], name="wizard_step_once")]

    def __str__(self) -> str:
        return self.get_step_display()

    @classmethod
    def may_use(cls, viewer, step: str) -> bool:
        """Whether ``viewer`` may open and save ``step`` of a learner they can reach."""
        needed = (cls.EDIT_PLAN, *cls.EXTRA_PERMISSIONS.get(step, ()))
        return all(viewer.has_perm(permission) for permission in needed)


LEARNING_MODELS = (
    ProgrammeComponent,
    LearnerComponent,
    Certification,
    EvidenceItem,
    OtjEntry,
    WizardProgress,
)

__all__ = [m.__name__ for m in LEARNING_MODELS] + ["ComponentKind", "LEARNING_MODELS"]
