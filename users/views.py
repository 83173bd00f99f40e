from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.versioning import (
    CONFLICT_STATUS,
    EditConflict,
    VersionForm,
    conflict_status,
    refuse_stale,
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
    user = get_user_for(request, pk)
    if not may_edit(request.user, user):
        raise PermissionDenied
    form_class = FORMS_BY_TYPE[user.user_type]
    form = form_class(request.POST or None, instance=user, viewer=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = save_unless_stale(
            form,
            lambda: services.user_update(
                user=user, form=form, actor=request.user, based_on_version=form.based_on_version()
            ),
            "user",
            viewer=request.user,
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
        saved = save_unless_stale(
            form,
            lambda: services.user_cancel(
                user=user,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                based_on_version=form.based_on_version(),
            ),
            "user",
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
    form = ReinstateForm(request.POST or None, version=user.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = save_unless_stale(
            form,
            lambda: services.user_reinstate(
                user=user,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                based_on_version=form.based_on_version(),
            ),
            "user",
        )
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
        try:
            services.user_extend(
                user=user,
                actor=request.user,
                end=form.cleaned_data["subscription_end"],
                reason=form.cleaned_data["reason"],
                based_on_version=form.based_on_version(),
            )
        except EditConflict as exc:
            conflict = exc
            form = refuse_stale(form, exc, "user", user=exc.record)
        else:
            messages.success(
                request,
                f"{user.full_name}'s subscription now ends on "
                f"{form.cleaned_data['subscription_end']:%d/%m/%Y}.",
            )
            return redirect(user)
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
            services.user_archive(
                user=user,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                based_on_version=form.based_on_version(),
            )
        except services.ArchiveRefused as refused:  # exported since the check above
            refusal = str(refused)
        except EditConflict as exc:
            conflict = exc
            form = refuse_stale(form, exc, "user")
        else:
            messages.success(
                request, f"{user.full_name} was archived. Only Supervisors can see them now."
            )
            return redirect(user)
    context = {"form": form, "subject": user, "refusal": refusal, "conflict": conflict}
    status = CONFLICT_STATUS if refusal or conflict else 200
    return render(request, "users/user_archive.html", context, status=status)


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
        saved = save_unless_stale(
            form,
            lambda: services.invitation_send(
                user=user,
                actor=request.user,
                site_url=_site_url(request),
                based_on_version=form.based_on_version(),
            ),
            "user",
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
