"""Two-factor sign-in: an authenticator app (TOTP) plus one-time recovery codes, via django-otp.

A user with a confirmed authenticator app signs in in two steps: the password (which leaves the
session *pending*, not signed in) and then a code from the app or a recovery code, which signs
the session in and marks it verified. ``TwoFactorMiddleware`` keeps a session that is signed in
but not verified (for example one that was open when two-factor was turned on elsewhere) on the
verification page, and, when PORTAL_REQUIRE_2FA_FOR_ADMINS is on, an administrator without an
app on the set-up page.
"""

import base64
import io
import time
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import auth, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from audit.services import log_access

from .models import User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
PENDING_KEY = "two_factor_pending"
# Whether the signed-in user had two-factor sign-in on when this session signed in, so that
# ordinary requests need no query to know (see TwoFactorMiddleware).
ENABLED_KEY = "two_factor_enabled"
# Long enough to open the app and type a code; a pending password expires after this.
PENDING_SECONDS = 5 * 60
# The pages a pending or unverified user may reach: finishing or abandoning the sign-in.
VERIFY_VIEWS = {"login", "logout", "login_code"}
SETUP_VIEWS = VERIFY_VIEWS | {"account:security", "account:setup", "account:recovery_codes"}
# Fragments a page loads by itself once shown (the header's unread count): for an unfinished
# sign-in they answer nothing, instead of a redirect that would repeat the set-up message and
# fetch a whole page for the header.
QUIET_VIEWS = {"notifications:badge"}


def app_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app: its presence means two-factor is on."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def is_enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def unconfirmed_app_device(user: User) -> TOTPDevice:
    """The device being set up, kept across reloads so the QR code stays the same."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an app: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The set-up QR code as an SVG data: URI (drawn here: no CDN, and the CSP allows data:)."""
    out = io.BytesIO()
    write_qrcode_image(device.config_url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def verify(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts ``code``: the app's current code, or an unused recovery code
    (which is used up). django-otp throttles each device after wrong codes."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    # Each wrong code slows its device down, so a code goes only to the kind it can be: the
    # app's are six digits, recovery codes eight letters and digits.
    if len(code) == 6 and code.isdigit():
        candidates = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in candidates:
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def _log(user: User, detail: str, actor: User | None) -> None:
    log_access(user, kind="two_factor", detail=detail, actor=actor)


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def two_factor_enable(*, device: TOTPDevice, actor: User) -> list[str]:
    """Confirm the app ``device`` (its code already checked) and return fresh recovery codes."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(actor)
        _log(actor, "Two-factor sign-in turned on", actor)
    return codes


def two_factor_disable(*, user: User, actor: User) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _log(user, "Two-factor sign-in turned off", actor)


def recovery_codes_regenerate(*, user: User, actor: User) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _log(user, "New recovery codes made (the old ones no longer work)", actor)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Sign-in in two steps.


def start_pending(request: HttpRequest, user: User) -> None:
    """Remember that ``user`` gave the right password; the session is not signed in yet."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": time.time(),
    }


def pending_user(request: HttpRequest) -> User | None:
    """The user this session is verifying: one whose password was accepted in the last few
    minutes, or a signed-in user whose session is not yet verified."""
    if request.user.is_authenticated:
        return None if request.user.is_verified() else request.user
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.filter(pk=pending["user"]).first()
    if user is None:
        return None
    user.backend = pending["backend"]
    return user


def note_sign_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    """Remember in the new session whether two-factor sign-in applies (``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        request.session[ENABLED_KEY] = is_enabled(user)


def note_enabled(request: HttpRequest, enabled: bool) -> None:
    request.session[ENABLED_KEY] = enabled


def finish_sign_in(request: HttpRequest, user: User, device) -> None:
    """Sign the session in (if only pending) and mark it verified by ``device``."""
    request.session.pop(PENDING_KEY, None)
    if not request.user.is_authenticated:
        # Sets otp_device so django-otp's login hook marks the new session verified.
        user.otp_device = device
        auth.login(request, user, backend=user.backend)
    else:
        django_otp.login(request, device)
    if isinstance(device, StaticDevice):
        left = recovery_codes_left(user)
        _log(user, f"Signed in with a recovery code ({left} left)", user)


class TwoFactorMiddleware:
    """Keep a signed-in but unverified session, or an administrator who must set up two-factor
    sign-in, away from everything but finishing the sign-in (runs after OTPMiddleware).

    Whether the user has two-factor sign-in on is read from the session, noted when it signed in
    (and updated when this session turns it on or off), so ordinary requests cost no query. A
    session already open elsewhere when two-factor sign-in is turned on keeps working until it
    ends (8 hours at most); one open when it is turned off elsewhere is re-checked here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        enabled = request.session.get(ENABLED_KEY)
        if enabled is None or enabled:
            # Not noted (a session from before this feature), or noted as on but not verified:
            # ask the database, which is rare enough to be cheap.
            enabled = is_enabled(user)
            note_enabled(request, enabled)
        if enabled:
            if name in VERIFY_VIEWS:
                return None
            if name in QUIET_VIEWS:
                return HttpResponse(status=204)
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('login_code')}?{query}")
        if settings.PORTAL_REQUIRE_2FA_FOR_ADMINS and user.is_administrator:
            if name in SETUP_VIEWS:
                return None
            if name in QUIET_VIEWS:
                return HttpResponse(status=204)
            messages.info(
                request,
                "Administrators must use two-factor sign-in here. Set up an authenticator app "
                "to continue.",
            )
            return redirect("account:setup")
        return None
