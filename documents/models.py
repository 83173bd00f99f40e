from django.conf import settings
from django.db import models
from django.utils import timezone

from aptem.uploads import random_name


def document_upload_to(instance: "Document", filename: str) -> str:
    """A random stored name: the uploader's file name never reaches the file system."""
    return random_name(f"documents/{instance.kind.lower()}", filename)


class DocumentQuerySet(models.QuerySet):
    def mandates(self) -> "DocumentQuerySet":
        return self.filter(kind=Document.Kind.MANDATE)


class Document(models.Model):
    """A file kept for a learner. Uploads are kept: a newer mandate does not replace older ones."""

    class Kind(models.TextChoices):
        MANDATE = "MANDATE", "Mandate"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="documents",
        limit_choices_to={"user_type": "LEARNER"},
        # Covered by the (learner, kind, -created_at) index below.
        db_index=False,
    )
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField("file name", max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="uploaded by",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["learner", "kind", "-created_at"], name="document_learner_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def audit_learner_id(self) -> int:
        return self.learner_id
