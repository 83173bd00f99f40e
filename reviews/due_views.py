"""The review schedule's pages: Reviews due (/reviews/due/) with its CSV export, and the review
data exports, one learner's (/users/<id>/reviews/export.csv) and portal-wide (/reviews/export/).
"""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from aptem.csv_export import csv_response
from aptem.pagination import query_without_page
from aptem.permissions import require_permission
from audit.services import log_access
from users.access import get_learner_for, require_portal_access

from .due_filters import (
    SORTS,
    DueFilter,
    ReviewExportFilter,
    due_rows,
    review_rows,
    sort_key,
    sorted_rows,
)
from .exports import due_export_rows, review_export
from .models import Review
from .schedule import Due

# The role Data Export: the same permission the Users page's CSV export needs.
EXPORT_PERMISSION = "users.export_data"
ROWS_PER_PAGE = 25
SORT_LABELS = {
    "learner": "Learner",
    "programme": "Programme",
    "due": "Next due",
    "last_review": "Last review",
}


def _due_search(request: HttpRequest) -> tuple[DueFilter, str]:
    due_filter = DueFilter(request.GET, queryset=due_rows(request.user), viewer=request.user)
    return due_filter, sort_key(request.GET.get("sort"))


def _sort_headers(request: HttpRequest, sort: str) -> dict[str, dict]:
    """Each sortable column's link: clicking the sorted column again reverses it."""
    headers = {}
    for key in SORTS:
        query = request.GET.copy()
        query.pop("page", None)
        aria = None
        if sort == key:
            query["sort"], aria = f"-{key}", "ascending"
        elif sort == f"-{key}":
            query["sort"], aria = key, "descending"
        else:
            query["sort"] = key
        headers[key] = {"label": SORT_LABELS[key], "query": query.urlencode(), "aria": aria}
    return headers


@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    due_filter, sort = _due_search(request)
    rows = (
        sorted_rows(due_filter.qs, sort) if due_filter.is_valid() else due_rows(request.user).none()
    )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    # Each row with its schedule in words, worked out from today (nothing stores "overdue").
    entries = [
        (
            row,
            Due(
                today=today,
                due_on=row.due_on,
                paused_since=row.paused_since,
                last_review_on=row.last_review_on,
            ),
        )
        for row in page.object_list
    ]
    context = {
        "filter": due_filter,
        "page": page,
        "entries": entries,
        "sort": sort,
        "headers": _sort_headers(request, sort),
        "query": query_without_page(request),
        "may_export": request.user.has_perm(EXPORT_PERMISSION),
    }
    return render(request, "reviews/due/due_list.html", context)


@require_GET
def due_export(request: HttpRequest) -> HttpResponse:
    """The Reviews due page's filtered rows as CSV, streamed."""
    require_portal_access(request)
    require_permission(request, EXPORT_PERMISSION)
    due_filter, sort = _due_search(request)
    if not due_filter.is_valid():
        return render(
            request,
            "reviews/due/due_list.html",
            {"filter": due_filter, "page": None, "entries": [], "sort": sort, "headers": {}},
            status=400,
        )
    log_access(
        request.user,
        kind="export",
        detail=f"Reviews due CSV: {request.GET.urlencode() or 'all'}",
        actor=request.user,
    )
    return csv_response(
        due_export_rows(sorted_rows(due_filter.qs, sort)), filename_prefix="reviews-due"
    )


@require_GET
def learner_reviews_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One learner's reviews as CSV, one row per review and question."""
    learner = get_learner_for(request, pk)
    require_permission(request, EXPORT_PERMISSION)
    # The export carries the learner's reviews out of the portal: noted on their own trail.
    log_access(learner, kind="export", detail="Reviews CSV", actor=request.user)
    reviews = Review.objects.filter(learner=learner)
    return csv_response(review_export(reviews), filename_prefix=f"reviews-{learner.pk}")


@require_GET
def reviews_export(request: HttpRequest) -> HttpResponse:
    """Review data of every learner in the viewer's scope: the form, then (its Export button)
    the CSV of the reviews held in the date range matching the filters, streamed."""
    require_portal_access(request)
    require_permission(request, EXPORT_PERMISSION)
    submitted = "export" in request.GET
    export_filter = ReviewExportFilter(
        request.GET if submitted else None,
        queryset=review_rows(request.user),
        viewer=request.user,
    )
    if not submitted or not export_filter.is_valid():
        status = 400 if submitted else 200
        return render(
            request, "reviews/due/reviews_export.html", {"filter": export_filter}, status=status
        )
    log_access(
        request.user,
        kind="export",
        detail=f"Reviews CSV: {request.GET.urlencode()}",
        actor=request.user,
    )
    return csv_response(review_export(export_filter.qs), filename_prefix="reviews")
