"""Signed, single-use invitation links.

A token signs the user's id and the moment their current invitation was sent. It is good for
``MAX_AGE`` from signing, and only while that moment is still the user's ``invitation_sent_at``
and the invitation has not been accepted: sending a newer invitation supersedes it, and
accepting it uses it up. Nothing is stored besides the two timestamps already on the user.
"""

import datetime
import enum
from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from .models import User

MAX_AGE = datetime.timedelta(days=7)
SALT = "users.invitation"
INVITABLE_STATUSES = (User.Status.PROSPECT, User.Status.INVITED)


class Problem(enum.Enum):
    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Check:
    user: User | None
    problem: Problem | None = None


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat()


def make_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _stamp(user.invitation_sent_at)}, salt=SALT)


def activation_url(user: User, site_url: str) -> str:
    return site_url.rstrip("/") + reverse("users:activate", args=[make_token(user)])


def check_token(token: str) -> Check:
    """The invited user, or why the link cannot be used (never raises for a bad token)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        return Check(None, Problem.EXPIRED)
    except signing.BadSignature:
        return Check(None, Problem.INVALID)
    if not isinstance(data, dict):
        return Check(None, Problem.INVALID)
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None:
        return Check(None, Problem.INVALID)
    if user.invitation_sent_at is None or _stamp(user.invitation_sent_at) != data.get("s"):
        return Check(user, Problem.SUPERSEDED)
    if user.invitation_accepted_at is not None:
        return Check(user, Problem.USED)
    if user.subscription_status != User.Status.INVITED:
        return Check(user, Problem.WITHDRAWN)
    return Check(user)


def send_problem(user: User) -> str | None:
    """Why an invitation cannot be sent to this user, in plain English, or None."""
    if user.subscription_status not in INVITABLE_STATUSES:
        return (
            f"{user.full_name} is {user.get_subscription_status_display()}: only prospects and "
            "invited users can be sent an invitation."
        )
    if not user.email:
        return f"{user.full_name} has no email address. Add one before sending an invitation."
    return None
