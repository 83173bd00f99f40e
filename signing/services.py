"""The signature workflows: create an envelope, sign, seal, check, resend a link, void.

Every one runs in a transaction and names its actor on the audit trail; emails go through the
outbox once the transaction commits, and the stored PDFs are written before their rows (a file
left by a rollback is unreferenced, never a row without its file).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.context import signed_by_actor
from users.email_models import OutboundEmail
from users.emails import email_queue
from users.models import User

from . import tokens
from .models import Envelope, Signer
from .sealing import (
    Verification,
    merge_pdfs,
    seal_pdf,
    sha256_hex,
    signature_page_pdf,
    verify_pdf_bytes,
)
from .signals import envelope_sealed, signer_signed

__all__ = [
    "SignerSpec",
    "SigningRefused",
    "Verification",
    "envelope_create",
    "envelope_seal",
    "envelope_verify",
    "envelope_void",
    "signer_resend",
    "signer_sign",
    "signing_link",
    "verify_pdf_bytes",
]

logger = logging.getLogger(__name__)
signing_link = tokens.signing_link


class SigningRefused(Exception):
    """A signature that cannot be recorded; the message says why in plain English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class SignerSpec:
    role: str
    name: str
    email: str
    user: User | None = None


def _link_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.SIGNING_LINK_DAYS)


def _send_link(signer: Signer, *, actor: User | None) -> None:
    """A new nonce and expiry for ``signer`` and the email with their link (on commit)."""
    now = timezone.now()
    signer.token_nonce = tokens.new_nonce()
    signer.link_sent_at = now
    signer.link_expires_at = now + _link_days()
    signer.save(update_fields=["token_nonce", "link_sent_at", "link_expires_at"])
    if not signer.email:
        logger.info("Signer %s has no email address: no signing link sent", signer.pk)
        return
    email_queue(
        to=signer.email,
        subject=f"Please sign: {signer.envelope.title}",
        template="emails/signing_link",
        context={
            "signer": signer,
            "envelope": signer.envelope,
            "url": tokens.signing_link(signer),
            "expires": signer.link_expires_at,
            "provider_name": settings.PROVIDER_NAME,
        },
        kind=OutboundEmail.Kind.NOTIFICATION,
        actor=actor,
    )


@signed_by_actor
@transaction.atomic
def envelope_create(
    *,
    learner: User,
    title: str,
    pdf: bytes,
    signers: list[SignerSpec],
    actor: User | None,
    send_links: bool = True,
) -> Envelope:
    """Store ``pdf`` for signing by ``signers`` (in that order) and email each a link, except
    ``actor`` who signs inside the portal."""
    if not signers:
        raise ValueError("An envelope needs at least one signer.")
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("Only a PDF can be signed.")
    envelope = Envelope(
        learner=learner, title=title, source_sha256=sha256_hex(pdf), created_by=actor
    )
    envelope.source_pdf.save("document.pdf", ContentFile(pdf), save=False)
    envelope.save()
    for position, spec in enumerate(signers, start=1):
        signer = Signer.objects.create(
            envelope=envelope,
            position=position,
            role=spec.role,
            user=spec.user,
            name=spec.name,
            email=spec.email or (spec.user.email if spec.user else ""),
        )
        is_actor = actor is not None and spec.user is not None and spec.user.pk == actor.pk
        if send_links and not is_actor:
            _send_link(signer, actor=actor)
    return envelope


def _normalised(name: str) -> str:
    return " ".join((name or "").split()).casefold()


@signed_by_actor
@transaction.atomic
def signer_sign(
    *,
    signer: Signer,
    typed_name: str,
    consent: bool,
    ip: str | None,
    user_agent: str,
    actor: User | None = None,
) -> Signer:
    """Record ``signer``'s signature of the stored PDF; the last one seals the envelope.

    ``actor`` is the signed-in person signing inside the portal (their own row); without one the
    signature comes through an emailed link, which must not have expired.
    """
    signer = Signer.objects.select_for_update().get(pk=signer.pk)
    envelope = Envelope.objects.select_for_update().get(pk=signer.envelope_id)
    signer.envelope = envelope
    if signer.is_signed:
        raise SigningRefused("This document has already been signed by you.")
    if not envelope.is_open:
        raise SigningRefused("This document can no longer be signed: it was withdrawn or replaced.")
    if actor is None and (signer.link_expires_at is None or signer.link_expired):
        raise SigningRefused("This signing link has expired. Ask for a new one.")
    if actor is not None and signer.user_id != actor.pk:
        raise SigningRefused("Only the named signer can sign here.")
    if not _normalised(typed_name):
        raise SigningRefused("Type your full name to sign.")
    if _normalised(typed_name) != _normalised(signer.name):
        raise SigningRefused(f"Type your full name exactly as shown: {signer.name}.")
    if not consent:
        raise SigningRefused("Tick the box to confirm you agree to sign electronically.")
    with envelope.source_pdf.open("rb") as handle:
        shown = handle.read()
    signed_sha256 = sha256_hex(shown)
    if signed_sha256 != envelope.source_sha256:
        logger.error("Envelope %s: the stored PDF does not match its hash", envelope.pk)
        raise SigningRefused("This document cannot be signed: its file has changed.")
    signer.signed_at = timezone.now()
    signer.typed_name = " ".join(typed_name.split())
    signer.ip_address = ip or None
    signer.user_agent = (user_agent or "")[:500]
    signer.signed_sha256 = signed_sha256
    # The nonce stays: the used link then says "already signed" (tokens.check_token).
    signer.save()
    signer_signed.send(sender=Signer, signer=signer)
    if not any(not s.is_signed for s in envelope.signers.all()):
        envelope_seal(envelope)
    return signer


@transaction.atomic
def envelope_seal(envelope: Envelope) -> Envelope:
    """The final PDF (the document and a signature page) sealed by the provider, stored; the
    envelope becomes SEALED and ``envelope_sealed`` is sent in this transaction."""
    envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
    if not envelope.is_open:
        raise SigningRefused("Only an open envelope can be sealed.")
    signers = list(envelope.signers.all())
    if any(not s.is_signed for s in signers):
        raise SigningRefused("Every signer must sign before the document is sealed.")
    with envelope.source_pdf.open("rb") as handle:
        source = handle.read()
    sealed_at = timezone.now()
    page = signature_page_pdf(
        {
            "envelope": envelope,
            "signers": signers,
            "sealed_at": sealed_at,
            "provider_name": settings.PROVIDER_NAME,
        }
    )
    sealed = seal_pdf(merge_pdfs(source, page), reason=f"Signed by every party: {envelope.title}")
    envelope.sealed_pdf.save("sealed.pdf", ContentFile(sealed), save=False)
    envelope.sealed_sha256 = sha256_hex(sealed)
    envelope.sealed_at = sealed_at
    envelope.status = Envelope.Status.SEALED
    envelope.save()
    envelope_sealed.send(sender=Envelope, envelope=envelope)
    return envelope


def envelope_verify(envelope: Envelope) -> Verification:
    """The sealed file as stored, checked again (a missing file is reported, not raised)."""
    if not envelope.sealed_pdf:
        return Verification(False, "The document has not been sealed yet.")
    try:
        with envelope.sealed_pdf.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return Verification(False, "The sealed file is missing from storage.")
    return verify_pdf_bytes(data)


@signed_by_actor
@transaction.atomic
def signer_resend(*, signer: Signer, actor: User) -> Signer:
    """A new link for a signer who has not signed: every older link stops working."""
    signer = (
        Signer.objects.select_related("envelope").select_for_update(of=("self",)).get(pk=signer.pk)
    )
    if signer.is_signed:
        raise SigningRefused(f"{signer.name} has already signed.")
    if not signer.envelope.is_open:
        raise SigningRefused("This document can no longer be signed.")
    if not signer.email:
        raise SigningRefused(f"{signer.name} has no email address to send a link to.")
    _send_link(signer, actor=actor)
    return signer


@signed_by_actor
@transaction.atomic
def envelope_void(*, envelope: Envelope, reason: str, actor: User | None) -> Envelope:
    """Withdraw an open envelope (its document was replaced): its links stop working. A sealed
    envelope is never changed."""
    envelope = Envelope.objects.select_for_update().get(pk=envelope.pk)
    if envelope.is_sealed:
        raise SigningRefused("A signed and sealed document cannot be withdrawn.")
    if envelope.status == Envelope.Status.VOIDED:
        return envelope
    envelope.status = Envelope.Status.VOIDED
    envelope.void_reason = reason[:500]
    envelope.save()
    return envelope
