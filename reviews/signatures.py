"""The one place reviews talk to electronic signing (the signing app), as compliance does.

A completed review goes in an envelope for the signers its template asks for: the learner, the
employer contact (the learner's manager, when they have an email address) and the administrator
who conducted it, who signs inside the portal. When the envelope is sealed the review is
SIGNED and the sealed PDF is filed in the learner's Documents (folder Reviews).
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

from .models import Review, ReviewFiling
from .signals import review_changed


def signers_for(review: Review) -> list[signing.SignerSpec]:
    """Who signs, as the template says: the learner, the employer contact (if they have an
    email address), then the conducting administrator."""
    template, learner = review.template, review.learner
    specs = []
    if template.learner_signs:
        specs.append(
            signing.SignerSpec(Signer.Role.LEARNER, learner.full_name, learner.email, learner)
        )
    manager = learner.manager
    if template.employer_signs and manager is not None and manager.email:
        specs.append(
            signing.SignerSpec(Signer.Role.EMPLOYER, manager.full_name, manager.email, manager)
        )
    conductor = review.conductor
    if template.administrator_signs and conductor is not None:
        specs.append(
            signing.SignerSpec(
                Signer.Role.PROVIDER, conductor.full_name, conductor.email, conductor
            )
        )
    return specs


def title_for(review: Review) -> str:
    return f"{review.template.name} (version {review.template.number}, revision {review.revision})"


def send_for_signature(
    review: Review, pdf: bytes, specs: list[signing.SignerSpec], *, actor: User
) -> Envelope:
    return signing.envelope_create(
        learner=review.learner, title=title_for(review), pdf=pdf, signers=specs, actor=actor
    )


def withdraw(review: Review, *, actor: User) -> None:
    """A change after signing: the open envelope, if any, is voided (its links stop working).
    A sealed envelope is never touched; its PDF stays filed."""
    envelope = review.envelope
    if envelope is not None and envelope.is_open:
        reason = f"Replaced by revision {review.revision + 1} of the review"
        signing.envelope_void(envelope=envelope, reason=reason, actor=actor)


def file_pdf(review: Review, pdf: bytes, *, envelope: Envelope | None, actor) -> ReviewFiling:
    """File the review's PDF in the learner's Documents (Reviews), shared with the learner
    when the template lets them see it."""
    name = review.template.name
    held = review.held_on.strftime("%Y-%m-%d") if review.held_on else "undated"
    document = document_add(
        learner=review.learner,
        name=f"{slugify(name)}-{held}-r{review.revision}.pdf",
        content=pdf,
        content_type="application/pdf",
        folder=Document.Folder.REVIEWS,
        description=f"{name} held {review.held_on:%d/%m/%Y} (revision {review.revision})"
        if review.held_on
        else f"{name} (revision {review.revision})",
        actor=actor,
        visible_to_learner=review.template.visible_to_learner,
    )
    return ReviewFiling.objects.create(
        review=review, revision=review.revision, document=document, envelope=envelope
    )


def _review_of(envelope_id: int) -> Review | None:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("learner", "template")
        .filter(envelope_id=envelope_id, status=Review.Status.AWAITING_SIGNATURES)
        .first()
    )


@receiver(signer_signed, sender=Signer, dispatch_uid="reviews_signer_signed")
def _on_signed(sender, signer: Signer, **kwargs) -> None:
    """Someone signed a review: the step goes on the review's trail (its status changes only
    once every party has signed)."""
    review = _review_of(signer.envelope_id)
    if review is None:
        return
    review.version += 1
    review.signatures_received += 1
    review.audit_reason = f"Signed by {signer.name} ({signer.get_role_display()})"
    review.save(update_fields=["signatures_received", "version"])


@receiver(envelope_sealed, sender=Envelope, dispatch_uid="reviews_envelope_sealed")
def _on_sealed(sender, envelope: Envelope, **kwargs) -> None:
    """Every party signed: the review is SIGNED and the sealed PDF filed in Documents."""
    review = _review_of(envelope.pk)
    if review is None:
        return
    with envelope.sealed_pdf.open("rb") as handle:
        sealed = handle.read()
    file_pdf(review, sealed, envelope=envelope, actor=current_actor())
    review.status = Review.Status.SIGNED
    review.version += 1
    review.audit_reason = "Signed by every party and sealed"
    review.save(update_fields=["status", "version"])
    review_changed.send(sender=Review, review=review)
