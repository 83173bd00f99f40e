from django.db import models

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.uploads import random_name


def document_upload_to(instance: "Document", filename: str) -> str:
    """A random stored name: the uploader's file name never reaches the file system."""
    return random_name(f"documents/{instance.kind.lower()}", filename)


class DocumentQuerySet(models.QuerySet):
    def mandates(self) -> "DocumentQuerySet":
        return self.filter(kind=Document.Kind.MANDATE)


class Document(LearnerOwned):
    """A file kept for a learner. Uploads are kept: a newer mandate does not replace older ones."""

    class Kind(models.TextChoices):
        MANDATE = "MANDATE", "Mandate"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Documents are evidence: a learner with documents cannot be deleted by accident. The
    # (learner, kind, -created_at) index below covers the link.
    learner = learner_field("documents", on_delete=models.PROTECT, db_index=False)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField("file name", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    created_by = created_by_field("uploaded by")

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "kind", "-created_at"], name="document_learner_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"
