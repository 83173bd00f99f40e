"""Sign-in lockout: how long an account is locked, the page that says so, and its audit trail.

django-axes counts wrong passwords per account and address (settings.AXES_*) and refuses a
locked account before its password is checked. This module reads axes' records to tell a
Supervisor when a lock ends, renders the lockout in the portal's own sign-in page, writes the
lock and the unlock to the user's audit trail, and clears the lock when a Supervisor asks.
"""

import datetime
from dataclasses import dataclass

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from audit.services import log_access

from .forms import LoginForm
from .models import User


@dataclass(frozen=True)
class Lock:
    until: datetime.datetime
    failures: int
    ip_address: str

    @property
    def until_local(self) -> datetime.datetime:
        return timezone.localtime(self.until)


def _locks(attempts) -> list[Lock]:
    """The locks that ``attempts`` (one account's, any addresses) hold now.

    Axes adds up the failures of one account and address made within the cool-off (one row per
    browser), so a lock ends when enough of the newest rows fall out of that window.
    """
    cool_off = get_cool_off()
    limit = settings.AXES_FAILURE_LIMIT
    recent = attempts.filter(attempt_time__gte=timezone.now() - cool_off).order_by("-attempt_time")
    by_address: dict[str, list[AccessAttempt]] = {}
    for attempt in recent:
        by_address.setdefault(attempt.ip_address or "", []).append(attempt)
    locks = []
    for address, rows in by_address.items():
        total = 0
        for row in rows:
            total += row.failures_since_start
            if total >= limit:
                locks.append(Lock(row.attempt_time + cool_off, total, address))
                break
    return sorted(locks, key=lambda lock: lock.until, reverse=True)


def client_address(request: HttpRequest) -> str | None:
    """The address failures are counted against (settings.AXES_CLIENT_IP_CALLABLE).

    Behind the deployment's proxy, the right-most X-Forwarded-For entry is the one that proxy
    added; entries to its left come from the client and could be made up to dodge a lock.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.CLIENT_ADDRESS_FROM_PROXY and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def lock_for(user: User) -> Lock | None:
    """The longest current lock on ``user``'s sign-in, from any address, or None."""
    if not user.email:
        return None
    locks = _locks(AccessAttempt.objects.filter(username=user.email))
    return locks[0] if locks else None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The sign-in page again, saying the account is locked, until when, and who can unlock it
    (settings.AXES_LOCKOUT_CALLABLE)."""
    username = get_client_username(request, credentials) or ""
    locks = _locks(
        AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)
    )
    form = LoginForm(request, initial={"username": username})
    context = {"form": form, "lock": locks[0] if locks else None, "locked_out": True}
    # 429, as axes answers by default: the request was refused, not broken.
    return TemplateResponse(request, "registration/login.html", context, status=429).render()


def record_lock(sender, request: HttpRequest, username: str, ip_address: str, **kwargs) -> None:
    """Write the start of a lock to the account's audit trail (axes' ``user_locked_out``).

    Axes also sends the signal for each refused attempt while the lock lasts; only the attempt
    that started it has counted its failures.
    """
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or not username:
        return
    user = User.objects.filter(email=username).first()
    if user is None:
        return
    until = timezone.localtime(timezone.now() + get_cool_off(request))
    log_access(
        user,
        kind="sign_in",
        detail=f"Locked until {until:%H:%M} after {failures} failed attempts from {ip_address}",
        remote_addr=ip_address,
    )


def account_unlock(*, user: User, actor: User) -> int:
    """Clear every failed attempt on ``user``'s account, from every address, and audit it.

    Returns how many attempt records were cleared (0 if the lock had already ended).
    """
    lock = lock_for(user)
    with transaction.atomic():
        cleared = reset(username=user.email) if user.email else 0
        detail = (
            f"Unlocked (was locked until {lock.until_local:%H:%M} after {lock.failures} "
            f"failed attempts from {lock.ip_address})"
            if lock
            else "Unlocked (the lock had already ended)"
        )
        log_access(user, kind="sign_in", detail=detail, actor=actor)
    return cleared
