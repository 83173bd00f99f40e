from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.validators import validate_person_name, validate_phone
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
