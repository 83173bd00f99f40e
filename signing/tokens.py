"""Signed, single-use signing links.

A token signs the signer's id and their current nonce (django.core.signing, with its own salt).
It works until the signer's ``link_expires_at``, only while that nonce is still the signer's
(a resend rotates it), the signer has not signed and the envelope is open. Nothing else is
stored.
"""

import enum
import secrets
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from users.emails import site_link

from .models import Signer

SALT = "signing.signer"


class Problem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    SUPERSEDED = "superseded"
    VOIDED = "voided"


# A link that never was answers 404; one that was real but no longer works answers 410 (Gone).
PROBLEM_STATUS = {Problem.INVALID: 404}


@dataclass(frozen=True)
class Check:
    signer: Signer | None
    problem: Problem | None = None

    @property
    def status(self) -> int:
        return PROBLEM_STATUS.get(self.problem, 410)


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def make_token(signer: Signer) -> str:
    return signing.dumps({"s": signer.pk, "n": signer.token_nonce}, salt=SALT)


def signing_link(signer: Signer) -> str:
    """The absolute URL of the signer's signing page (for an email)."""
    return site_link(reverse("signing:sign", args=[make_token(signer)]))


def check_token(token: str, *, for_update: bool = False) -> Check:
    """The signer a link belongs to, or why it cannot be used (never raises for a bad token)."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return Check(None, Problem.INVALID)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return Check(None, Problem.INVALID)
    signers = Signer.objects.select_related("envelope", "envelope__learner")
    if for_update:
        signers = signers.select_for_update(of=("self",))
    signer = signers.filter(pk=data["s"]).first()
    if signer is None or not signer.token_nonce:
        return Check(None, Problem.INVALID)
    if not secrets.compare_digest(str(data.get("n", "")), signer.token_nonce):
        return Check(signer, Problem.SUPERSEDED)
    if signer.is_signed:
        return Check(signer, Problem.USED)
    if signer.envelope.status == signer.envelope.Status.VOIDED:
        return Check(signer, Problem.VOIDED)
    if not signer.envelope.is_open:
        return Check(signer, Problem.USED)
    if signer.link_expires_at is None or signer.link_expired:
        return Check(signer, Problem.EXPIRED)
    return Check(signer)
