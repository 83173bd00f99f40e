from django.conf import settings
from django.db import models
from django.utils import timezone

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.uploads import random_name
from aptem.versioning import Versioned


def document_upload_to(instance: "Document", filename: str) -> str:
    """A random stored name: the uploader's file name never reaches the file system."""
    return random_name(f"documents/{instance.kind.lower()}", filename)


def _user_link(verbose_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=verbose_name,
    )


class DocumentQuerySet(models.QuerySet):
    def live(self) -> "DocumentQuerySet":
        """The documents not deleted: deleted ones keep their row, hash and audit entries."""
        return self.filter(deleted_at__isnull=True)

    def mandates(self) -> "DocumentQuerySet":
        return self.live().filter(kind=Document.Kind.MANDATE)

    def in_folder(self, folder: str) -> "DocumentQuerySet":
        return self.filter(folder=folder) if folder in Document.Folder.values else self

    def visible_to_learner(self) -> "DocumentQuerySet":
        return self.live().filter(visible_to_learner=True)


class Document(LearnerOwned, Versioned):
    """A file kept for a learner, in one of the Documents section's folders.

    The row holds the current file; replacing the file keeps the earlier one as a
    ``DocumentVersion``. Deleting only marks the row (``deleted_at``): its SHA-256, its audit
    entries and its earlier versions stay, as evidence for an auditor.
    """

    class Kind(models.TextChoices):
        MANDATE = "MANDATE", "Mandate"
        DOCUMENT = "DOCUMENT", "Document"

    class Folder(models.TextChoices):
        OWN = "OWN", "Learner's documents"
        COMPLIANCE = "COMPLIANCE", "Compliance documents"
        PROGRAMME = "PROGRAMME", "Programme documents"
        REVIEWS = "REVIEWS", "Reviews"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    # Mandates are about the learner's programme: they are filed with the programme documents.
    folder = models.CharField(max_length=20, choices=Folder.choices, default=Folder.OWN)
    description = models.CharField(max_length=200, blank=True)
    visible_to_learner = models.BooleanField("visible to the learner", default=False)
    # Documents are evidence: a learner with documents cannot be deleted by accident. The
    # (learner, kind, -created_at) index below covers the link.
    learner = learner_field("documents", on_delete=models.PROTECT, db_index=False)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField("file name", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    created_by = created_by_field("uploaded by")
    # The current file's upload; created_at/created_by stay the document's first upload.
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    uploaded_by = _user_link("file uploaded by")
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = _user_link("deleted by")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "kind", "-created_at"], name="document_learner_kind"),
            models.Index(
                fields=["learner", "-created_at"],
                name="document_learner_live",
                condition=models.Q(deleted_at__isnull=True),
            ),
        ]
        permissions = [("delete_user_documents", "Delete a learner's documents")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def title(self) -> str:
        """What the document is called in lists: its description, or its file name."""
        return self.description or self.original_name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class DocumentVersion(LearnerOwned):
    """An earlier file of a document, kept when the file was replaced; downloadable like the
    current one. ``created_at``/``created_by`` are when and by whom that file was uploaded."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    learner = learner_field("document_versions", on_delete=models.PROTECT)
    file = models.FileField(max_length=255)
    original_name = models.CharField("file name", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    created_by = created_by_field("uploaded by")
    replaced_at = models.DateTimeField(default=timezone.now, editable=False)
    replaced_by = _user_link("replaced by")

    class Meta:
        ordering = ["-replaced_at", "-pk"]

    def __str__(self) -> str:
        return f"Earlier version: {self.original_name}"
