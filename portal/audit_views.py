"""A user's audit trail page and its CSV export.

The trail's reading and masking live in ``audit.trail``; the pages reach the user through the
access door in ``users``, which sits above ``audit`` (users writes its access events through
audit), so the pages are here on the top floor.
"""

from collections.abc import Iterator
from itertools import islice

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from aptem.csv_export import csv_response
from aptem.pagination import query_without_page
from audit.filters import AuditFilter
from audit.services import log_access
from audit.trail import grouped, present, trail_for
from users.access import get_user_for

PAGE_SIZE = 25
EXPORT_BATCH = 500
# The export keeps everything the page leaves out: every field (bookkeeping included), the
# record's kind beside its section, and the correlation id that ties one save's entries.
EXPORT_COLUMNS = [
    "When",
    "Who",
    "Record",
    "Record type",
    "Section",
    "Action",
    "Changes",
    "Reason",
    "IP address",
    "Request id",
]


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
        "may_export": request.user.has_perm("users.export_data"),
    }
    return render(request, "portal/audit_trail.html", context)


@require_GET
def audit_export(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_user_for(request, pk)
    if not request.user.has_perm("users.export_data"):
        raise PermissionDenied
    trail_filter = AuditFilter(request.GET, queryset=trail_for(subject))
    if not trail_filter.is_valid():
        messages.error(request, "Fix the filters before exporting.")
        trail_url = reverse("portal:audit_trail", args=[subject.pk])
        return redirect(f"{trail_url}?{request.GET.urlencode()}")
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
        _export_rows(entries, request.user), filename_prefix=f"audit-trail-{subject.pk}"
    )


def _export_rows(entries, viewer) -> Iterator[list[str]]:
    yield EXPORT_COLUMNS
    # Batches keep memory flat and the related-record look-ups to one query per batch.
    stream = entries.iterator(chunk_size=EXPORT_BATCH)
    while batch := list(islice(stream, EXPORT_BATCH)):
        for row in present(batch, viewer):
            yield [
                row.when,
                row.who,
                row.record,
                row.kind,
                row.section,
                row.action,
                "; ".join(change.as_text() for change in row.all_changes),
                row.reason,
                row.ip,
                row.entry.cid or "",
            ]
