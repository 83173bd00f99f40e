"""The portal's top floor: the Users page, its CSV export and the profile page shell.

These gather from every app (the search filters by programme, the profile shows every app's
sections), so they live here, in the one app nothing imports.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.csv_export import csv_response
from aptem.pagination import paginate_capped, query_without_page
from audit.services import log_access
from reporting.exports import too_big_to_stream
from users import invitations
from users.access import (
    CREATE_PERMISSION,
    TYPE_SLUGS,
    get_user_for,
    may_cancel,
    may_edit,
    require_portal_access,
)
from users.lockout import lock_for
from users.models import User

from .exports import (
    EXPORT_PERMISSION,
    search_users,
    start_file_export,
    user_rows,
    users_label,
)
from .filters import DEFAULT_PAGE_SIZE, PAGE_SIZES, UserFilter
from .forms import SectionStateForm
from .sections import SECTION_KEYS, visible_sections


def _search(request: HttpRequest) -> tuple[UserFilter, str]:
    """The filtered, sorted queryset behind the Users page and its CSV export."""
    require_portal_access(request)
    return search_users(request.user, request.GET)


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
        # Counted up to settings.LIST_COUNT_CAP, a larger result paging by cursors on the sort;
        # a trigram search collects every match anyway, so it counts them with the page's rows.
        page = paginate_capped(
            user_filter.sorted(sort),
            request.GET,
            per_page,
            keys=user_filter.order_keys(sort),
            collects_all=user_filter.searches_by_trigram(sort),
        )
    context = {
        "filter": user_filter,
        "page": page,
        "sort": sort,
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "query": query_without_page(request),
        "active_filters": user_filter.active_filters(),
    }
    if request.htmx:
        # The search panel asks for the results alone as the administrator searches.
        return render(request, "portal/user_list.html#results", context)
    # Each link made once here, though the page shows it twice (menu, and without script).
    context["create_links"] = [
        (reverse("users:create", args=[slug]), User.Type(t).label)
        for slug, t in TYPE_SLUGS.items()
        if request.user.has_perm(CREATE_PERMISSION[t])
    ]
    return render(request, "portal/user_list.html", context)


@require_http_methods(["GET", "POST"])
def user_export(request: HttpRequest) -> HttpResponse:
    """Stream the search as CSV, or, above settings.EXPORT_INLINE_MAX_ROWS, start a file export.

    The page's Export button posts (a job is made only by a POST, so a reload or a prefetch never
    makes two); a GET still streams an export small enough, so saved links keep working.
    """
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    user_filter, sort = _search(request)
    list_url = f"{reverse('portal:user_list')}?{request.GET.urlencode()}"
    if not user_filter.is_valid():
        messages.error(request, "Fix the search filters before exporting.")
        return redirect(list_url)
    if too_big_to_stream(user_filter.qs):
        return start_file_export(
            request, "users", users_label(user_filter), {"query": request.GET.urlencode()}, list_url
        )
    # Exports carry personal data out of the portal (NI numbers among it): record who took which.
    log_access(
        request.user,
        kind="export",
        detail=f"Users CSV: {request.GET.urlencode() or 'default search'}",
        actor=request.user,
    )
    return csv_response(user_rows(user_filter.sorted(sort)), filename_prefix="users")


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
    return render(request, "portal/user_detail.html", context)


@require_POST
def profile_section_state(request: HttpRequest, key: str) -> HttpResponse:
    """Remember that the viewer collapsed (or opened) a profile section, on every profile.

    Posted by htmx when a section's <details> is toggled. Not audited: it is the viewer's own
    display preference, changes nothing anyone else sees, and a click per section would bury
    the real changes in their audit trail.
    """
    require_portal_access(request)
    if key not in SECTION_KEYS:
        raise Http404("No such profile section.")
    form = SectionStateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(form.errors["collapsed"][0], content_type="text/plain")
    request.user.set_section_collapsed(key, form.cleaned_data["collapsed"])
    if request.htmx:
        return HttpResponse(status=204)
    # Posted without htmx (a plain form): back to the profile it came from.
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:user_list")
    return redirect(target)
