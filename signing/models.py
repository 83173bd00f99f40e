"""Envelopes of signers around one PDF: each signer signs the exact bytes stored, and when the
last one has signed the portal seals the document with its certificate (signing/sealing.py).

The engine knows nothing about what it signs: compliance documents and progress reviews create
envelopes and listen for ``signing.signals.envelope_sealed``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from aptem.models import LearnerOwned, created_by_field, learner_field
from aptem.uploads import random_name


def source_upload_to(instance: "Envelope", filename: str) -> str:
    return random_name("signing/source", filename)


def sealed_upload_to(instance: "Envelope", filename: str) -> str:
    return random_name("signing/sealed", filename)


class Envelope(LearnerOwned):
    """One PDF to be signed by its signers, in order of position (any order is accepted)."""

    class Status(models.TextChoices):
        OPEN = "OPEN", "Waiting for signatures"
        SEALED = "SEALED", "Signed and sealed"
        VOIDED = "VOIDED", "Voided"

    # Signed documents are evidence: a learner with envelopes cannot be deleted by accident.
    learner = learner_field("envelopes", on_delete=models.PROTECT, db_index=False)
    title = models.CharField(max_length=200)
    source_pdf = models.FileField(upload_to=source_upload_to, max_length=255)
    source_sha256 = models.CharField("SHA-256 of the document", max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    sealed_pdf = models.FileField(upload_to=sealed_upload_to, max_length=255, blank=True)
    sealed_sha256 = models.CharField("SHA-256 of the sealed file", max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    created_by = created_by_field()
    void_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["learner", "-created_at"], name="envelope_learner")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("signing:envelope", args=[self.learner_id, self.pk])

    @property
    def is_sealed(self) -> bool:
        return self.status == self.Status.SEALED

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def pending_signers(self) -> list["Signer"]:
        """The signers still to sign (reads the prefetched rows when there are any)."""
        return [signer for signer in self.signers.all() if not signer.signed_at]

    def next_for(self, user) -> "Signer | None":
        """The unsigned row of ``user`` on this envelope, or None."""
        if user is None or not getattr(user, "pk", None):
            return None
        return next((s for s in self.pending_signers() if s.user_id == user.pk), None)


class Signer(models.Model):
    """One party who signs an envelope; ``signed_*`` record the signature itself."""

    class Role(models.TextChoices):
        LEARNER = "LEARNER", "Learner"
        EMPLOYER = "EMPLOYER", "Employer"
        PROVIDER = "PROVIDER", "Training provider"

    envelope = models.ForeignKey(Envelope, on_delete=models.CASCADE, related_name="signers")
    position = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=10, choices=Role.choices)
    # The person, when they have an account (an employer contact may not).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    typed_name = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    signed_sha256 = models.CharField("SHA-256 of the PDF signed", max_length=64, blank=True)
    # Part of the signed link: a new one (resend) makes every older link of this signer invalid.
    token_nonce = models.CharField(max_length=32, blank=True)
    link_sent_at = models.DateTimeField(null=True, blank=True)
    link_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["envelope", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def audit_learner_id(self) -> int:
        return self.envelope.learner_id

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def link_expired(self) -> bool:
        return self.link_expires_at is not None and self.link_expires_at <= timezone.now()
