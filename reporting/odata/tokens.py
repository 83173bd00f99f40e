"""Personal API tokens: making one, revoking one, and finding the token a feed request carries.

A token reads ``lp_<key>_<secret>``: the key (8 hex characters) finds the row, the secret (32
random bytes) proves it. Only the SHA-256 of the whole token is stored, and it is compared in
constant time. The feed takes the token as the password of HTTP Basic (what Excel and Power BI
send; the user name is not checked, so any, the owner's email say, will do) or as a Bearer
token.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from users.access import uses_admin_pages
from users.backends import PortalBackend
from users.models import User

from ..models import ApiToken, ApiTokenUse

PREFIX = "lp"
MAX_DAYS = 365


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(
    *, owner: User, name: str, expires_on: datetime.date, actor: User
) -> tuple[ApiToken, str]:
    """A new token for ``owner``, and its text: shown once, never stored."""
    while True:
        key = secrets.token_hex(4)
        if not ApiToken.objects.filter(key=key).exists():
            break
    text = f"{PREFIX}_{key}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        owner=owner, name=name, key=key, secret_hash=_hash(text), expires_on=expires_on
    )
    return token, text


def api_token_revoke(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def _presented(request: HttpRequest) -> str | None:
    """The token text in the Authorization header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, value = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer":
        return value.strip() or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return None
        _, sep, password = decoded.partition(":")
        return password if sep else None
    return None


def carries_credentials(request: HttpRequest) -> bool:
    return bool(request.META.get("HTTP_AUTHORIZATION"))


def token_for(request: HttpRequest) -> ApiToken | None:
    """The usable token the request carries: known, matching, not revoked, not expired, and
    owned by an active administrator. None otherwise."""
    text = _presented(request)
    if not text or len(text) > 200:
        return None
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    token = ApiToken.objects.select_related("owner").filter(key=parts[1]).first()
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(text)):
        return None
    # As for signing in: an owner who could not sign in now (inactive, cancelled, expired,
    # archived) or who no longer uses the administration pages has no feed either.
    owner = token.owner
    if not token.usable or not PortalBackend().user_can_authenticate(owner):
        return None
    if not uses_admin_pages(owner):
        return None
    return token


def record_use(token: ApiToken, *, entity_set: str, row_count: int, remote_addr: str | None):
    """Every use of a token is kept: the owner sees them on their tokens page."""
    now = timezone.now()
    with transaction.atomic():
        ApiTokenUse.objects.create(
            token=token,
            used_at=now,
            entity_set=entity_set[:60],
            row_count=row_count,
            remote_addr=remote_addr or None,
        )
        # last_used_at is bookkeeping, not an edit of the token: written without a save so it
        # does not fill the audit trail with one entry per request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
