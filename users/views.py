from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.versioning import (
    CONFLICT_STATUS,
    Saved,
    VersionForm,
    conflict_status,
    update_unless_stale,
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
from .forms import (
    FORMS_BY_TYPE,
    ArchiveForm,
    CancelForm,
    ExtendForm,
    LearnerForm,
    ReinstateForm,
)
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
    user = _user_for(request, pk, may_edit)
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


@require_GET
def employer_people(request: HttpRequest) -> HttpResponse:
    """The learner form's Manager and Mentor fields for the organisation just picked (htmx).

    Only people the viewer may see are offered; the form's own validation still decides.
    """
    require_portal_access(request)
    if not (
        request.user.has_perm(CREATE_PERMISSION[User.Type.LEARNER])
        or request.user.has_perm("users.edit_user_details")
    ):
        raise PermissionDenied
    initial = {name: request.GET.get(name) for name in ("organisation", "manager", "mentor")}
    form = LearnerForm(initial=initial, viewer=request.user)
    return render(request, "users/_employer_people.html", {"form": form})


@require_http_methods(["GET", "POST"])
def user_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_for(request, pk, may_cancel)
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
    return _action_page(request, "users/user_cancel.html", user, form, conflict)


@require_http_methods(["GET", "POST"])
def user_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_for(request, pk, may_cancel)
    if not user.can_be_reinstated:
        messages.error(
            request, f"{user.full_name} is not cancelled, so there is nothing to reinstate."
        )
        return redirect(user)
    form = ReinstateForm(request.POST or None, version=user.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        reason = {"reason": form.cleaned_data["reason"]}
        saved = _save_user(request, form, user, services.user_reinstate, reason)
        if saved.ok:
            user = saved.result
            messages.success(
                request,
                f"{user.full_name} was reinstated with status "
                f"{user.get_subscription_status_display()}.",
            )
            return redirect(user)
        form, conflict, user = saved.form, saved.conflict, saved.conflict.record
    return _action_page(request, "users/user_reinstate.html", user, form, conflict)


@require_http_methods(["GET", "POST"])
def user_extend(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_for(request, pk, may_edit)
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
    return _action_page(request, "users/user_extend.html", user, form, conflict)


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


def _user_for(request: HttpRequest, pk: int, allowed) -> User:
    """The user with ``pk`` (404 outside the viewer's groups), when ``allowed(viewer, user)``
    lets the viewer act on them (403 otherwise)."""
    user = get_user_for(request, pk)
    if not allowed(request.user, user):
        raise PermissionDenied
    return user


def _action_page(request: HttpRequest, template: str, user: User, form, conflict) -> HttpResponse:
    """The page of an action on ``user``, again with the conflict when a save was stale."""
    context = {"form": form, "subject": user, "conflict": conflict}
    return render(request, template, context, status=conflict_status(conflict))


def _save_user(
    request: HttpRequest, form, user: User, action, fields: dict | None = None, **form_kwargs
) -> Saved:
    """``action`` (a users.services function) on ``user`` by the viewer with ``fields``, based
    on the version ``form`` was opened on (``form_kwargs`` rebuild a refused form)."""
    update = partial(action, user=user, **(fields or {}))
    return update_unless_stale(request, form, update, "user", **form_kwargs)


def _site_url(request: HttpRequest) -> str:
    """Where links in emails point: this site, as the request reached it (ALLOWED_HOSTS-checked)."""
    return request.build_absolute_uri("/")


@require_http_methods(["GET", "POST"])
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user_for(request, pk, may_edit)
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
                f"{'A new invitation' if resend else 'An invitation'} is on its way to "
                f"{user.email}; this page shows whether it was delivered. "
                f"The link works for {invitations.MAX_AGE.days} days.",
            )
            return redirect(user)
        form, conflict, user = saved.form, saved.conflict, saved.conflict.record
    return _action_page(request, "users/invitation_send.html", user, form, conflict)


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
