from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from aptem.csv_export import csv_date, csv_response
from aptem.pagination import paginate
from aptem.versioning import (
    CONFLICT_STATUS,
    EditConflict,
    VersionForm,
    conflict_status,
    refuse_stale,
)
from audit.services import log_access
from programmes.models import Enrolment

from . import invitations, services
from .access import get_user_for, may_cancel, may_edit, require_portal_access
from .filters import DEFAULT_PAGE_SIZE, PAGE_SIZES, SORTS, UserFilter, with_current_programme
from .forms import FORMS_BY_TYPE, ArchiveForm, CancelForm, ExtendForm
from .lockout import lock_for
from .models import User
from .profile import visible_sections

CREATE_PERMISSION = {
    User.Type.LEARNER: "users.create_users",
    User.Type.EMPLOYER: "users.create_users",
    User.Type.REFERRER: "users.create_users",
    User.Type.ADMINISTRATOR: "users.create_admins",
}
TYPE_SLUGS = {
    "user": User.Type.LEARNER,
    "employer": User.Type.EMPLOYER,
    "referrer": User.Type.REFERRER,
    "admin": User.Type.ADMINISTRATOR,
}


# The columns the Users page and its export show; fetching only these keeps the rows that a name
# search sorts narrow.
LISTED_FIELDS = [
    "user_type",
    "subscription_status",
    "first_name",
    "last_name",
    "email",
    "reference_number",
    "ni_number",
    "subscription_end",
    "created_at",
    "case_owner",
]


def _search(request: HttpRequest) -> tuple[UserFilter, str]:
    """The filtered, sorted queryset behind the Users page and its CSV export."""
    require_portal_access(request)
    viewer = request.user
    base = with_current_programme(
        User.objects.visible_to(viewer)
        .select_related("case_owner")
        .only(*LISTED_FIELDS, "case_owner__first_name", "case_owner__last_name")
    )
    user_filter = UserFilter(request.GET, queryset=base, viewer=viewer)
    sort = request.GET.get("sort", "name")
    if sort.lstrip("-") not in SORTS:
        sort = "name"
    return user_filter, sort


@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    user_filter, sort = _search(request)
    try:
        per_page = int(request.GET.get("per_page", DEFAULT_PAGE_SIZE))
    except ValueError:
        per_page = DEFAULT_PAGE_SIZE
    if per_page not in PAGE_SIZES:
        per_page = DEFAULT_PAGE_SIZE
    page = None
    if user_filter.is_valid():
        # A name search collects and sorts all its matches (see UserFilter.sorted), so the
        # total can come with the page's rows.
        page = paginate(
            user_filter.sorted(sort),
            request.GET.get("page"),
            per_page,
            count_with_rows=bool(user_filter.form.cleaned_data.get("name")),
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": user_filter,
        "page": page,
        "sort": sort,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "query": query.urlencode(),
        "active_filters": user_filter.active_filters(),
        "create_types": [
            (slug, User.Type(t).label)
            for slug, t in TYPE_SLUGS.items()
            if request.user.has_perm(CREATE_PERMISSION[t])
        ],
    }
    template = "users/user_list.html#results" if request.htmx else "users/user_list.html"
    return render(request, template, context)


EXPORT_COLUMNS = [
    "ID",
    "First name",
    "Surname",
    "Type",
    "Status",
    "Email",
    "Programme",
    "Programme status",
    "Case owner",
    "Reference number",
    "NI number",
    "Subscription end",
    "Created",
]


def _export_rows(queryset) -> Iterator[list[str]]:
    yield EXPORT_COLUMNS
    status_labels = dict(User.Status.choices)
    type_labels = dict(User.Type.choices)
    programme_statuses = dict(Enrolment.Status.choices)
    for user in queryset.iterator(chunk_size=2000):
        yield [
            user.pk,
            user.first_name,
            user.last_name,
            type_labels[user.user_type],
            status_labels[user.subscription_status],
            user.email or "",
            user.programme_name or "",
            programme_statuses.get(user.programme_status, ""),
            user.case_owner.full_name if user.case_owner else "",
            user.reference_number,
            user.ni_number,
            csv_date(user.subscription_end),
            timezone.localtime(user.created_at).strftime("%d/%m/%Y %H:%M"),
        ]


@require_GET
def user_export(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("users.export_data"):
        raise PermissionDenied
    user_filter, sort = _search(request)
    if not user_filter.is_valid():
        messages.error(request, "Fix the search filters before exporting.")
        return redirect(f"{reverse('users:list')}?{request.GET.urlencode()}")
    # Exports carry personal data out of the portal (NI numbers among it): record who took which.
    log_access(
        request.user,
        kind="export",
        detail=f"Users CSV: {request.GET.urlencode() or 'default search'}",
        actor=request.user,
    )
    return csv_response(_export_rows(user_filter.sorted(sort)), filename_prefix="users")


@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_user_for(request, pk)
    context = {
        "subject": user,
        "groups": user.groups.all(),
        "roles": user.roles.all() if user.is_administrator else [],
        "may_edit": may_edit(request.user, user),
        "may_cancel": may_cancel(request.user, user),
        "invitable": user.subscription_status in invitations.INVITABLE_STATUSES,
        "sections": visible_sections(request, user),
        # Only those who may unlock are told about (or pay the query for) a locked sign-in.
        "lock": lock_for(user) if request.user.has_perm("users.unlock_account") else None,
    }
    return render(request, "users/user_detail.html", context)


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
        try:
            services.user_update(
                user=user, form=form, actor=request.user, based_on_version=form.based_on_version()
            )
        except EditConflict as exc:
            conflict = exc
            form = refuse_stale(form, exc, "user", viewer=request.user)
        else:
            messages.success(request, f"Your changes to {user.full_name} were saved.")
            return redirect(user)
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
        try:
            services.user_cancel(
                user=user,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                based_on_version=form.based_on_version(),
            )
        except EditConflict as exc:
            conflict = exc
            form = refuse_stale(form, exc, "user")
        else:
            messages.success(request, f"{user.full_name}'s subscription was cancelled.")
            return redirect(user)
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
        try:
            user = services.user_reinstate(
                user=user, actor=request.user, based_on_version=form.based_on_version()
            )
        except EditConflict as exc:
            conflict, user = exc, exc.record
            form = refuse_stale(form, exc, "user")
        else:
            messages.success(
                request,
                f"{user.full_name} was reinstated with status "
                f"{user.get_subscription_status_display()}.",
            )
            return redirect(user)
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
    refusal = services.archive_refusal(user)
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
        try:
            user = services.invitation_send(
                user=user,
                actor=request.user,
                site_url=_site_url(request),
                based_on_version=form.based_on_version(),
            )
        except EditConflict as exc:
            conflict, user = exc, exc.record
            form = refuse_stale(form, exc, "user")
        else:
            messages.success(
                request,
                f"{'A new invitation' if resend else 'An invitation'} was sent to {user.email}. "
                f"The link works for {invitations.MAX_AGE.days} days.",
            )
            return redirect(user)
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
