"""Compliance document types, their dated template versions, the types each programme requires,
and the documents made (or uploaded on paper) for a learner's programme."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.uploads import random_name
from aptem.versioning import Versioned
from programmes.models import Enrolment, Programme

# Legacy templates apply from this date (aptem-spec §16): "Valid From = 19/02/2009".
LEGACY_VALID_FROM = datetime.date(2009, 2, 19)


class DocumentType(models.Model):
    """A kind of compliance document (Commitment Statement, Apprenticeship Agreement...)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "compliance document type"
        permissions = [
            ("manage_compliance_templates", "Can manage compliance document templates"),
            ("create_compliance_documents", "Can create compliance documents"),
            ("qa_compliance_documents", "Can verify or reject compliance documents"),
            (
                "replace_verified_compliance_documents",
                "Can upload over a compliance document verified by QA",
            ),
            ("mass_process", "Can create compliance documents and send reminders in bulk"),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateVersionQuerySet(models.QuerySet):
    def covering(self, day: datetime.date) -> "TemplateVersionQuerySet":
        """The versions whose range includes ``day`` (Valid To is the last day it applies)."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def overlapping(
        self, valid_from: datetime.date, valid_to: datetime.date | None
    ) -> "TemplateVersionQuerySet":
        """The versions whose range shares at least one day with [valid_from, valid_to]."""
        qs = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        if valid_to is not None:
            qs = qs.filter(valid_from__lte=valid_to)
        return qs


class TemplateVersion(Versioned):
    """One version of a type's template: a Django template rendered to PDF. The version used for
    a learner is the one whose dates cover their programme start date."""

    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="versions"
    )
    label = models.CharField("version", max_length=50, help_text="For example v3 or 2025-26.")
    body = models.TextField(
        help_text="A Django template (HTML). It is given learner, employer, provider, "
        "programme, enrolment and the other values the document shows under 'data'."
    )
    valid_from = models.DateField("valid from")
    valid_to = models.DateField(
        "valid to", null=True, blank=True, help_text="The last day it applies; empty: no end."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = created_by_field()

    objects = TemplateVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document_type", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="template_version_dates_in_order",
                violation_error_message="Valid to cannot be before valid from.",
            ),
            models.UniqueConstraint(
                fields=["document_type", "label"], name="template_version_label_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.label}"

    @property
    def range_display(self) -> str:
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "no end date"
        return f"{self.valid_from:%d/%m/%Y} to {end}"


class ProgrammeRequirement(models.Model):
    """A compliance document type a programme requires of each learner on it."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="compliance_requirements"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="requirements"
    )

    class Meta:
        ordering = ["document_type__order", "document_type__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "document_type"], name="programme_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.document_type}"


def compliance_upload_to(instance: "ComplianceDocument", filename: str) -> str:
    return random_name("compliance", filename)


class ComplianceDocumentQuerySet(models.QuerySet):
    def needing_signatures(self) -> "ComplianceDocumentQuerySet":
        return self.filter(status__in=ComplianceDocument.NEEDS_SIGNATURES)


class ComplianceDocument(LearnerOwned):
    """One version of one compliance document for a learner's programme. Regenerating or
    uploading makes a new number; earlier numbers are kept (SUPERSEDED) and stay downloadable."""

    class Status(models.TextChoices):
        CREATED = "CREATED", "Signature required"
        WAITING = "WAITING", "Waiting for others"
        SIGNED = "SIGNED", "Signed"
        SIGNED_PAPER = "SIGNED_PAPER", "Signed paper copy"
        VERIFIED = "VERIFIED", "Verified by QA"
        REJECTED = "REJECTED", "Rejected"
        SUPERSEDED = "SUPERSEDED", "Superseded"

    NEEDS_SIGNATURES = (Status.CREATED, Status.WAITING)
    SIGNED_STATUSES = (Status.SIGNED, Status.SIGNED_PAPER, Status.VERIFIED)
    # What QA may verify or reject.
    QA_STATUSES = (Status.SIGNED, Status.SIGNED_PAPER)

    learner = learner_field("compliance_documents", on_delete=models.PROTECT, db_index=False)
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, related_name="compliance_documents"
    )
    document_type = models.ForeignKey(
        DocumentType, on_delete=models.PROTECT, related_name="documents"
    )
    template_version = models.ForeignKey(
        TemplateVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="Empty for an uploaded paper copy.",
    )
    number = models.PositiveIntegerField("version number")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    rejection_reason = models.TextField("reason for rejection", blank=True, max_length=2000)
    file = models.FileField(upload_to=compliance_upload_to, max_length=255)
    original_name = models.CharField("file name", max_length=255)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64)
    data = models.JSONField("data that went in", default=dict, blank=True)
    qa_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="QA by",
    )
    qa_at = models.DateTimeField("QA at", null=True, blank=True)
    # The electronic signing envelope of a document made from a template (compliance.signatures).
    envelope = models.OneToOneField(
        "signing.Envelope",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compliance_document",
    )
    # The sealed PDF as filed in the learner's Documents (Compliance documents folder).
    signed_document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ComplianceDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["document_type__order", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "document_type", "number"],
                name="compliance_document_number_unique",
            )
        ]
        indexes = [
            models.Index(fields=["learner", "status"], name="compliance_doc_learner_status"),
            models.Index(
                fields=["enrolment", "document_type", "-number"], name="compliance_doc_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_type} #{self.number} ({self.get_status_display()})"

    @property
    def is_paper(self) -> bool:
        return self.template_version_id is None

    @property
    def needs_signatures(self) -> bool:
        return self.status in self.NEEDS_SIGNATURES
