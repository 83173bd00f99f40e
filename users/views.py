from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from aptem.versioning import (
    CONFLICT_STATUS,
    Saved,
    VersionForm,
    conflict_status,
    save_unless_stale,
)

from . import hooks, invitations, services
from .access import (
    CREATE_PERMISSION,
    TYPE_SLUGS,
    get_user_for,
    may_cancel,
    may_edit,
    require_portal_access,
)
from .forms import FORMS_BY_TYPE, ArchiveForm, CancelForm, ExtendForm
from .models import User


@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest, user_type: str) -> HttpResponse:
    kind = TYPE_SLUGS.get(user_type)
    if kind is None:
        raise Http404("No such user type.")
    require_portal_access(request)
    if not request.user.has_perm(CREATE_PERMISSION[kind]):
        raise PermissionDenied
    form_class = FORMS_BY_TYPE[kind]
    form = form_class(request.POST or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(form=form, actor=request.user, site_url=_site_url(request))
        messages.success(
            request,
            f"{user.full_name} was created with status {user.get_subscription_status_display()}.",
        )
        return redirect(user)
    context = {"form": form, "kind_label": User.Type(kind).label, "creating": True}
    return render(request, "users/user_form.html", context)


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not may_edit(request.user, user):
        raise PermissionDenied
    form_class = FORMS_BY_TYPE[user.user_type]
    form = form_class(request.POST or None, instance=user, viewer=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = _save_user(
            request, form, user, services.user_update, {"form": form}, viewer=request.user
        )
        if saved.ok:
            messages.success(request, f"Your changes to {user.full_name} were saved.")
            return redirect(user)
        form, conflict = saved.form, saved.conflict
    context = {
        "form": form,
        "subject": user,
        "kind_label": user.get_user_type_display(),
        "creating": False,
        "conflict": conflict,
    }
    return render(request, "users/user_form.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def user_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not may_cancel(request.user, user):
        raise PermissionDenied
    if not user.can_be_cancelled:
        messages.error(
            request,
            f"{user.full_name} is {user.get_subscription_status_display()} "
            "and cannot be cancelled.",
        )
        return redirect(user)
    form = CancelForm(request.POST or None, version=user.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = _save_user(
            request, form, user, services.user_cancel, {"reason": form.cleaned_data["reason"]}
        )
        if saved.ok:
            messages.success(request, f"{user.full_name}'s subscription was cancelled.")
            return redirect(user)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": user, "conflict": conflict}
    return render(request, "users/user_cancel.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def user_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not may_cancel(request.user, user):
        raise PermissionDenied
    if not user.can_be_reinstated:
        messages.error(
            request, f"{user.full_name} is not cancelled, so there is nothing to reinstate."
        )
        return redirect(user)
    form = VersionForm(request.POST or None, version=user.version)
    conflict = None
    if request.method == "POST":
        saved = _save_user(request, form, user, services.user_reinstate)
        if saved.ok:
            user = saved.result
            messages.success(
                request,
                f"{user.full_name} was reinstated with status "
                f"{user.get_subscription_status_display()}.",
            )
            return redirect(user)
        form, conflict, user = saved.form, saved.conflict, saved.conflict.record
    context = {"subject": user, "form": form, "conflict": conflict}
    return render(request, "users/user_reinstate.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def user_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not may_edit(request.user, user):
        raise PermissionDenied
    form = ExtendForm(request.POST or None, user=user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {
            "end": form.cleaned_data["subscription_end"],
            "reason": form.cleaned_data["reason"],
        }
        # The refused form checks the new end date against the end date as it is now.
        saved = _save_user(
            request,
            form,
            user,
            services.user_extend,
            fields,
            rebuild=lambda data: ExtendForm(data, user=User.objects.get(pk=user.pk)),
        )
        if saved.ok:
            messages.success(
                request, f"{user.full_name}'s subscription now ends on {fields['end']:%d/%m/%Y}."
            )
            return redirect(user)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": user, "conflict": conflict}
    return render(request, "users/user_extend.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def user_archive(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not request.user.has_perm("users.archive_user") or user.pk == request.user.pk:
        raise PermissionDenied
    if user.subscription_status == User.Status.ARCHIVED:
        messages.error(request, f"{user.full_name} is already archived.")
        return redirect(user)
    form = ArchiveForm(request.POST or None, version=user.version)
    refusal = hooks.archive_refusal(user)
    conflict = None
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            saved = _save_user(
                request, form, user, services.user_archive, {"reason": form.cleaned_data["reason"]}
            )
        except services.ArchiveRefused as refused:  # exported since the check above
            refusal = str(refused)
        else:
            if saved.ok:
                messages.success(
                    request, f"{user.full_name} was archived. Only Supervisors can see them now."
                )
                return redirect(user)
            form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": user, "refusal": refusal, "conflict": conflict}
    status = CONFLICT_STATUS if refusal or conflict else 200
    return render(request, "users/user_archive.html", context, status=status)


def _save_user(
    request: HttpRequest, form, user: User, action, fields: dict | None = None, **form_kwargs
) -> Saved:
    """``action`` (a users.services function) on ``user`` by the viewer with ``fields``, based
    on the version ``form`` was opened on: every user edit and action refuses a stale save the
    same way (aptem.versioning.save_unless_stale; ``form_kwargs`` rebuild the refused form)."""
    return save_unless_stale(
        form,
        lambda: action(
            user=user,
            actor=request.user,
            based_on_version=form.based_on_version(),
            **(fields or {}),
        ),
        "user",
        **form_kwargs,
    )


def _site_url(request: HttpRequest) -> str:
    """Where links in emails point: this site, as the request reached it (ALLOWED_HOSTS-checked)."""
    return request.build_absolute_uri("/")


@require_http_methods(["GET", "POST"])
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    if not may_edit(request.user, user):
        raise PermissionDenied
    problem = invitations.send_problem(user)
    if problem:
        messages.error(request, f"No invitation was sent. {problem}")
        return redirect(user)
    form = VersionForm(request.POST or None, version=user.version)
    conflict = None
    if request.method == "POST":
        resend = user.subscription_status == User.Status.INVITED
        saved = _save_user(
            request, form, user, services.invitation_send, {"site_url": _site_url(request)}
        )
        if saved.ok:
            user = saved.result
            messages.success(
                request,
                f"{'A new invitation' if resend else 'An invitation'} was sent to {user.email}. "
                f"The link works for {invitations.MAX_AGE.days} days.",
            )
            return redirect(user)
        form, conflict, user = saved.form, saved.conflict, saved.conflict.record
    context = {"subject": user, "form": form, "conflict": conflict}
    return render(request, "users/invitation_send.html", context, status=conflict_status(conflict))


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    check = invitations.check_token(token)
    if check.problem:
        context = {"problem": check.problem.value}
        return render(request, "users/invitation_invalid.html", context, status=410)
    user = check.user
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        except ValueError:
            # Accepted a moment ago in another tab: the link is now used.
            context = {"problem": invitations.Problem.USED.value}
            return render(request, "users/invitation_invalid.html", context, status=410)
        messages.success(
            request, "Your account is active. Sign in with your email address and new password."
        )
        return redirect("login")
    return render(request, "users/invitation_accept.html", {"form": form, "invitee": user})
