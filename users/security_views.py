"""Signing in (password, then a one-time code for those with two-factor on), the Account security
pages where administrators manage their authenticator app, and unlocking a locked account."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import two_factor
from .access import get_user_for, require_portal_access, start_page
from .forms import LoginForm, OneTimeCodeForm, TwoFactorOffForm
from .lockout import account_unlock, lock_for

CODES_SESSION_KEY = "two_factor_new_codes"


class PortalLoginView(auth_views.LoginView):
    """Django's sign-in, except that a correct password for a user with two-factor sign-in on
    only starts the sign-in: the code page finishes it."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse(start_page(self.request.user))

    def form_valid(self, form):
        user = form.get_user()
        if not two_factor.is_enabled(user):
            return super().form_valid(form)
        two_factor.start_pending(self.request, user)
        next_url = self.get_redirect_url()
        if next_url:
            return redirect(f"{reverse('login_code')}?{urlencode({'next': next_url})}")
        return redirect("login_code")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else reverse(start_page(request.user))


@login_not_required
@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    user = two_factor.pending_user(request)
    if user is None:
        if request.user.is_authenticated:
            return redirect(_next_url(request))
        messages.error(request, "Your sign-in took too long or was not started. Sign in again.")
        return redirect("login")
    form = OneTimeCodeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        two_factor.finish_sign_in(request, user, form.device)
        return redirect(_next_url(request))
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/login_code.html", context)


@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    context = {
        "enabled": two_factor.is_enabled(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user),
        "required": settings.PORTAL_REQUIRE_2FA_FOR_ADMINS and request.user.is_administrator,
    }
    return render(request, "users/account_security.html", context)


@require_http_methods(["GET", "POST"])
@never_cache
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    if two_factor.is_enabled(request.user):
        messages.info(request, "Two-factor sign-in is already on.")
        return redirect("account:security")
    device = two_factor.unconfirmed_app_device(request.user)
    form = OneTimeCodeForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enable(device=device, actor=request.user)
        # This session has just proved it holds the app: it counts as verified.
        two_factor.finish_sign_in(request, request.user, device)
        two_factor.note_enabled(request, True)
        request.session[CODES_SESSION_KEY] = codes
        messages.success(request, "Two-factor sign-in is on.")
        return redirect("account:recovery_codes")
    context = {
        "form": form,
        "qr": two_factor.qr_data_uri(device),
        "secret": two_factor.secret_text(device),
    }
    return render(request, "users/two_factor_setup.html", context)


@require_GET
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once: the page takes them out of the session."""
    require_portal_access(request)
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        messages.info(
            request,
            "Recovery codes are shown only once, when they are made. Make new ones if you have "
            "lost them.",
        )
        return redirect("account:security")
    return render(request, "users/recovery_codes.html", {"codes": codes})


@require_POST
def recovery_codes_new(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    if not two_factor.is_enabled(request.user):
        messages.error(request, "Turn on two-factor sign-in first.")
        return redirect("account:security")
    codes = two_factor.recovery_codes_regenerate(user=request.user, actor=request.user)
    request.session[CODES_SESSION_KEY] = codes
    return redirect("account:recovery_codes")


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("secret")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    if not two_factor.is_enabled(request.user):
        messages.info(request, "Two-factor sign-in is already off.")
        return redirect("account:security")
    if settings.PORTAL_REQUIRE_2FA_FOR_ADMINS and request.user.is_administrator:
        messages.error(request, "Administrators must use two-factor sign-in here.")
        return redirect("account:security")
    form = TwoFactorOffForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        two_factor.two_factor_disable(user=request.user, actor=request.user)
        two_factor.note_enabled(request, False)
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("account:security")
    return render(request, "users/two_factor_disable.html", {"form": form})


@require_http_methods(["GET", "POST"])
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not request.user.has_perm("users.unlock_account"):
        raise PermissionDenied
    lock = lock_for(user)
    if request.method == "POST":
        account_unlock(user=user, actor=request.user)
        messages.success(request, f"{user.full_name} can sign in again.")
        return redirect(user)
    if lock is None:
        messages.info(request, f"{user.full_name}'s sign-in is not locked.")
        return redirect(user)
    return render(request, "users/user_unlock.html", {"subject": user, "lock": lock})


# Django's LoginView is login_not_required (and never cached); the subclass keeps both.
login = PortalLoginView.as_view()
