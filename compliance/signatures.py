"""The one place compliance talks to electronic signing (the signing app).

Creating a document sends it for signature: an envelope with the learner, the employer contact
(the learner's employer manager, when they have an email address) and the provider administrator
who created it, who signs inside the portal. The document's status follows the envelope, kept
right by the signing signals: the provider's signature missing → CREATED ("Signature required"),
only others' missing → WAITING, sealed → SIGNED, and the sealed PDF is filed in the learner's
Documents (Compliance documents folder, shared with the learner).
"""

from django.dispatch import receiver
from django.utils.text import slugify

from audit.context import current_actor
from documents.models import Document
from documents.services import document_add
from signing import services as signing
from signing.models import Envelope, Signer
from signing.signals import envelope_sealed, signer_signed
from users.models import User

from .models import ComplianceDocument

Status = ComplianceDocument.Status
NO_EMPLOYER = (
    "The learner has no employer contact with an email address, so the employer does not sign "
    "this document electronically."
)


def signers_for(learner: User, actor: User) -> list[signing.SignerSpec]:
    """The learner, their employer contact (if they have an email address), then ``actor``."""
    specs = [signing.SignerSpec(Signer.Role.LEARNER, learner.full_name, learner.email, learner)]
    manager = learner.manager
    if manager is not None and manager.email:
        specs.append(
            signing.SignerSpec(Signer.Role.EMPLOYER, manager.full_name, manager.email, manager)
        )
    specs.append(signing.SignerSpec(Signer.Role.PROVIDER, actor.full_name, actor.email, actor))
    return specs


def employer_missing(document: ComplianceDocument) -> bool:
    """True when the document's envelope has no employer signer (reads prefetched signers)."""
    envelope = document.envelope
    return envelope is not None and all(
        signer.role != Signer.Role.EMPLOYER for signer in envelope.signers.all()
    )


def send_for_signature(learner: User, title: str, *, pdf: bytes, actor: User) -> Envelope:
    """Open the envelope for a new document and email the other signers their links; the
    document waits for ``actor``'s signature (status CREATED)."""
    return signing.envelope_create(
        learner=learner, title=title, pdf=pdf, signers=signers_for(learner, actor), actor=actor
    )


def withdraw(document: ComplianceDocument, *, actor: User) -> None:
    """A newer version replaces ``document``: its open envelope, if any, is voided (its links
    stop working). A sealed envelope is never touched."""
    envelope = document.envelope
    if envelope is not None and envelope.is_open:
        reason = f"Replaced by a newer version of the {document.document_type.name}"
        signing.envelope_void(envelope=envelope, reason=reason, actor=actor)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def remind(document: ComplianceDocument, *, actor: User) -> tuple[bool, str]:
    """Send the pending signers their links again (every older link stops working), except an
    administrator who signs in the portal: (sent, what happened in words)."""
    envelope = document.envelope
    if envelope is None:
        return False, "skipped because it was made before electronic signing"
    if not envelope.is_open:
        return False, "skipped because it can no longer be signed"
    pending = [
        signer
        for signer in envelope.pending_signers()
        if not (signer.role == Signer.Role.PROVIDER and signer.user_id)
    ]
    if not pending:
        return False, "skipped because only the provider's signature in the portal is missing"
    sent, problems = 0, []
    for signer in pending:
        try:
            signing.signer_resend(signer=signer, actor=actor)
        except signing.SigningRefused as refused:
            problems.append(_lower_first(refused.message))
        else:
            sent += 1
    if not sent:
        return False, f"skipped because {'; '.join(problems)}"
    what = f"reminded {sent} signer{'s' if sent != 1 else ''}"
    return True, f"{what} ({'; '.join(problems)})" if problems else what


def status_for(envelope: Envelope) -> str:
    """The document status the envelope means."""
    if envelope.is_sealed:
        return Status.SIGNED
    pending = envelope.pending_signers()
    return (
        Status.CREATED if any(s.role == Signer.Role.PROVIDER for s in pending) else Status.WAITING
    )


def _document_of(envelope_id: int) -> ComplianceDocument | None:
    return (
        ComplianceDocument.objects.select_for_update(of=("self",))
        .select_related("document_type", "learner")
        .filter(envelope_id=envelope_id, status__in=ComplianceDocument.NEEDS_SIGNATURES)
        .first()
    )


@receiver(signer_signed, sender=Signer, dispatch_uid="compliance_signer_signed")
def _on_signed(sender, signer: Signer, **kwargs) -> None:
    """Someone signed: the document's status follows its envelope (in the same transaction)."""
    document = _document_of(signer.envelope_id)
    if document is None:
        return
    status = status_for(Envelope.objects.get(pk=signer.envelope_id))
    if status != document.status:
        document.status = status
        document.audit_reason = f"Signed by {signer.name} ({signer.get_role_display()})"
        document.save(update_fields=["status", "updated_at"])


@receiver(envelope_sealed, sender=Envelope, dispatch_uid="compliance_envelope_sealed")
def _on_sealed(sender, envelope: Envelope, **kwargs) -> None:
    """Every party signed: the document is SIGNED and the sealed PDF is filed in the learner's
    Documents, shared with them."""
    document = _document_of(envelope.pk)
    if document is None:
        return
    with envelope.sealed_pdf.open("rb") as handle:
        sealed = handle.read()
    kind = document.document_type.name
    document.signed_document = document_add(
        learner=document.learner,
        name=f"{slugify(kind)}-{slugify(document.learner.full_name)}-signed-v{document.number}.pdf",
        content=sealed,
        content_type="application/pdf",
        folder=Document.Folder.COMPLIANCE,
        description=f"{kind} (signed, version {document.number})",
        actor=current_actor(),
        visible_to_learner=True,
    )
    document.status = Status.SIGNED
    document.audit_reason = "Signed by every party and sealed"
    document.save(update_fields=["status", "signed_document", "updated_at"])
