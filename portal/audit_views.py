"""A user's audit trail page and its CSV export.

The trail's reading and masking live in ``audit.trail``; the pages reach the user through the
access door in ``users``, which sits above ``audit`` (users writes its access events through
audit), so the pages are here on the top floor.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from aptem.csv_export import csv_response
from aptem.pagination import query_without_page
from audit.filters import AuditFilter
from audit.services import log_access
from audit.trail import grouped, present, trail_for
from reporting.exports import too_big_to_stream
from users.access import get_user_for

from .exports import EXPORT_PERMISSION, audit_label, audit_rows, start_file_export

PAGE_SIZE = 25


@require_GET
def audit_trail(request: HttpRequest, pk: int) -> HttpResponse:
    # Seeing the trail needs only portal access (Standard administrator), which get_user_for
    # enforces along with the viewer's group scope; sensitive values are masked per viewer.
    subject = get_user_for(request, pk)
    trail_filter = AuditFilter(request.GET, queryset=trail_for(subject))
    page, rows = None, []
    if trail_filter.is_valid():
        page = Paginator(trail_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = present(list(page.object_list), request.user)
    # The entries one save wrote are shown together (a save that spans two pages shows its
    # part on each).
    context = {
        "subject": subject,
        "filter": trail_filter,
        "page": page,
        "rows": rows,
        "groups": grouped(rows),
        "query": query_without_page(request),
        "may_export": request.user.has_perm(EXPORT_PERMISSION),
    }
    return render(request, "portal/audit_trail.html", context)


@require_http_methods(["GET", "POST"])
def audit_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Stream the trail as CSV, or, above settings.EXPORT_INLINE_MAX_ROWS, start a file export
    (only a POST starts one: see portal.exports.start_file_export)."""
    subject = get_user_for(request, pk)
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    trail_filter = AuditFilter(request.GET, queryset=trail_for(subject))
    trail_url = f"{reverse('portal:audit_trail', args=[subject.pk])}?{request.GET.urlencode()}"
    if not trail_filter.is_valid():
        messages.error(request, "Fix the filters before exporting.")
        return redirect(trail_url)
    if too_big_to_stream(trail_filter.qs):
        parameters = {"learner": subject.pk, "query": request.GET.urlencode()}
        label = audit_label(subject, trail_filter)
        return start_file_export(request, "audit", label, parameters, trail_url)
    # The export carries the learner's history out of the portal: record who took it, on the
    # learner's own trail (the export itself is left out of the file).
    access = log_access(
        subject,
        kind="export",
        detail=f"Audit trail CSV: {request.GET.urlencode() or 'all entries'}",
        actor=request.user,
    )
    entries = trail_filter.qs.exclude(pk=access.pk)
    return csv_response(
        audit_rows(entries, request.user), filename_prefix=f"audit-trail-{subject.pk}"
    )
