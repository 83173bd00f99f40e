"""The one place compliance talks to electronic signing (the signing app).

Creating a document sends it for signature: an envelope with the learner, the employer contact
(the learner's employer manager, if any) and the provider administrator who created it. The
document's status follows the envelope: the creator's own signature missing → CREATED
("Signature required"), only others' missing → WAITING, sealed → SIGNED with the sealed PDF.

Until the signing app is installed these functions do what can be done without it: a created
document waits for the creator's signature (or a signed paper copy), and a reminder reports
that electronic signing is not available yet.
"""

from users.models import User

SIGNING_MISSING = "electronic signing is not available yet"


# True once the calls below go to signing.services (envelope_create, envelope_void,
# signer_resend); until then compliance works without electronic signatures, even if the
# signing app is already installed beside it.
WIRED = False


def signing_available() -> bool:
    return WIRED


def send_for_signature(document, *, pdf: bytes, actor: User) -> None:
    """Open the envelope for a newly created document; without signing the document simply
    waits for ``actor``'s signature (status CREATED) or a signed paper copy."""
    if signing_available():  # pragma: no cover - wired when the signing app lands
        raise NotImplementedError(f"envelope_create for {document} by {actor}")


def withdraw(document, *, actor: User) -> None:
    """A newer version replaces ``document``: its open envelope, if any, is voided."""
    if signing_available():  # pragma: no cover - wired when the signing app lands
        raise NotImplementedError(f"envelope_void for {document} by {actor}")


def remind(document, *, actor: User) -> tuple[bool, str]:
    """Send the pending signers their links again: (sent, what happened in words)."""
    if signing_available():  # pragma: no cover - wired when the signing app lands
        raise NotImplementedError(f"signer_resend for {document} by {actor}")
    return False, f"skipped because {SIGNING_MISSING}"
