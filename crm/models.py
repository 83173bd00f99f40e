from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.validators import sensible_date, validate_person_name, validate_phone
from aptem.versioning import Versioned
from users.models import Organisation

NOTE_MAX_LENGTH = 5000


class Note(LearnerOwned, Versioned):
    """A record of an interaction with a learner. Notes are kept: edited, never deleted."""

    # Covered by the (learner, -created_at) index below, which also serves the ordering.
    learner = learner_field("notes", db_index=False)
    text = models.TextField("note", max_length=NOTE_MAX_LENGTH)
    created_by = created_by_field("author")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-created_at"], name="note_learner_time")]

    def __str__(self) -> str:
        return self.text[:60]

    def may_be_edited_by(self, viewer) -> bool:
        return self.created_by_id == viewer.pk or viewer.has_perm("users.supervise_admins")


class CrmContact(models.Model):
    """A person at an organisation (an employer's HR contact, say). Not a user: cannot sign in."""

    first_name = models.CharField("first name", max_length=50, validators=[validate_person_name])
    last_name = models.CharField("surname", max_length=50, validators=[validate_person_name])
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True, validators=[validate_phone])
    extension = models.CharField(
        max_length=10,
        blank=True,
        validators=[validate_phone],
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="crm_contacts",
    )
    job_title = models.CharField("job title", max_length=100, blank=True)
    # Ad hoc contacts belong to one learner's contact list and are not offered for reuse.
    is_ad_hoc = models.BooleanField("ad hoc", default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "CRM contact"
        ordering = ["last_name", "first_name", "pk"]
        indexes = [models.Index(fields=["organisation", "last_name"], name="crm_contact_org")]

    def __str__(self) -> str:
        if self.organisation_id:
            return f"{self.full_name} ({self.organisation})"
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def phone_display(self) -> str:
        return f"{self.phone} ext. {self.extension}" if self.extension else self.phone


class LearnerContact(LearnerOwned):
    """A person linked to a learner: an administrator with a role, a CRM contact or an ad hoc
    contact. Removing it deletes the link (audited), never the administrator or contact."""

    class Kind(models.TextChoices):
        ADMIN = "ADMIN", "Administrator"
        CRM = "CRM", "CRM contact"
        AD_HOC = "AD_HOC", "Ad hoc contact"

    class Role(models.TextChoices):
        CASE_OWNER = "CASE_OWNER", "Case owner"
        TUTOR = "TUTOR", "Tutor"
        ASSESSOR = "ASSESSOR", "Assessor"
        IQA = "IQA", "Internal quality assurer"
        OTHER = "OTHER", "Other"

    learner = learner_field("learner_contacts")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="learner_links",
        limit_choices_to={"user_type": "ADMINISTRATOR"},
        verbose_name="administrator",
    )
    crm_contact = models.ForeignKey(
        CrmContact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="learner_links",
        verbose_name="CRM contact",
    )
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    relationship = models.CharField(max_length=100, blank=True)
    notes = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                name="learner_contact_fields_match_kind",
                condition=(
                    Q(
                        kind="ADMIN",
                        admin__isnull=False,
                        crm_contact__isnull=True,
                        relationship="",
                        notes="",
                    )
                    & ~Q(role="")
                )
                | Q(kind="CRM", admin__isnull=True, crm_contact__isnull=False, role="")
                | Q(kind="AD_HOC", admin__isnull=True, crm_contact__isnull=False, role=""),
            ),
            models.UniqueConstraint(
                fields=["learner", "admin", "role"],
                condition=Q(kind="ADMIN"),
                name="learner_contact_unique_admin_role",
            ),
            models.UniqueConstraint(
                fields=["learner", "crm_contact"],
                condition=Q(kind="CRM"),
                name="learner_contact_unique_crm",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.description}"

    @property
    def name(self) -> str:
        person = self.admin if self.kind == self.Kind.ADMIN else self.crm_contact
        return person.full_name if person else ""

    @property
    def description(self) -> str:
        if self.kind == self.Kind.ADMIN:
            return self.get_role_display()
        if self.kind == self.Kind.AD_HOC:
            return self.relationship or "Ad hoc contact"
        return self.crm_contact.job_title or "CRM contact"


ACTIVITY_SUBJECT_MAX_LENGTH = 200
ACTIVITY_NOTES_MAX_LENGTH = 5000
# A day: longer than that is two activities, or a typing slip.
ACTIVITY_MAX_MINUTES = 24 * 60


class CrmActivity(LearnerOwned, Versioned):
    """A phone call, email, meeting or other contact with or about a learner, logged by an
    administrator. Kept: edited (audited), never deleted. Learners never see them."""

    class Type(models.TextChoices):
        PHONE_CALL = "PHONE", "Phone call"
        EMAIL = "EMAIL", "Email"
        MEETING = "MEETING", "Meeting"
        VISIT = "VISIT", "Visit"
        VIDEO_CALL = "VIDEO", "Video call"
        LETTER = "LETTER", "Letter"
        TEXT_MESSAGE = "TEXT", "Text message"
        OTHER = "OTHER", "Other"

    class Direction(models.TextChoices):
        OUTBOUND = "OUT", "Outbound (we contacted them)"
        INBOUND = "IN", "Inbound (they contacted us)"

    class With(models.TextChoices):
        LEARNER = "LEARNER", "The learner"
        EMPLOYER = "EMPLOYER", "Employer contact"
        CRM = "CRM", "CRM contact"

    # Covered by the (learner, -occurred_at) index below, which also serves the lists' order.
    learner = learner_field("crm_activities", db_index=False)
    activity_type = models.CharField("type", max_length=8, choices=Type.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    occurred_at = models.DateTimeField("date and time")
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(ACTIVITY_MAX_MINUTES)],
    )
    with_whom = models.CharField("with", max_length=8, choices=With.choices)
    # The learner's manager or mentor (users.User) when with_whom is EMPLOYER.
    employer_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"user_type": "EMPLOYER"},
        verbose_name="employer contact",
    )
    # A CRM contact linked to the learner (crm.LearnerContact) when with_whom is CRM.
    crm_contact = models.ForeignKey(
        CrmContact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name="CRM contact",
        # Covered by the (crm_contact, -occurred_at) index below.
        db_index=False,
    )
    subject = models.CharField(max_length=ACTIVITY_SUBJECT_MAX_LENGTH)
    notes = models.TextField(max_length=ACTIVITY_NOTES_MAX_LENGTH, blank=True)
    outcome = models.CharField(max_length=200, blank=True)
    follow_up_on = models.DateField(
        "follow-up date", null=True, blank=True, validators=[sensible_date]
    )
    # The learner's task the follow-up date became, made with the activity.
    follow_up_task = models.OneToOneField(
        "activity.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_activity",
        verbose_name="follow-up task",
    )
    created_by = created_by_field("author")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "CRM activity"
        verbose_name_plural = "CRM activities"
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "-occurred_at"], name="crm_activity_learner_time"),
            # The portal-wide page: newest first, or a day or a period across every learner.
            models.Index(fields=["occurred_at"], name="crm_activity_time"),
            models.Index(fields=["crm_contact", "-occurred_at"], name="crm_activity_contact"),
            models.Index(fields=["created_by", "-occurred_at"], name="crm_activity_author"),
        ]
        constraints = [
            models.CheckConstraint(
                name="crm_activity_person_matches_with",
                condition=Q(with_whom="LEARNER", employer_contact__isnull=True, crm_contact=None)
                | Q(with_whom="EMPLOYER", employer_contact__isnull=False, crm_contact=None)
                | Q(with_whom="CRM", employer_contact__isnull=True, crm_contact__isnull=False),
            ),
            models.CheckConstraint(
                name="crm_activity_duration_range",
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__lte=ACTIVITY_MAX_MINUTES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_type_display()}: {self.subject}"

    def may_be_edited_by(self, viewer) -> bool:
        return self.created_by_id == viewer.pk or viewer.has_perm("users.supervise_admins")

    @property
    def person_name(self) -> str:
        """Who the activity was with, by name ("John Smith", "Harriet Hra (HR manager)")."""
        if self.with_whom == self.With.EMPLOYER and self.employer_contact_id:
            return self.employer_contact.full_name
        if self.with_whom == self.With.CRM and self.crm_contact_id:
            return self.crm_contact.full_name
        return self.learner.full_name
