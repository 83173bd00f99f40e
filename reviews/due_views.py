"""The review schedule's pages: Reviews due (/reviews/due/) with its CSV export, and the review
data exports, one learner's (/users/<id>/reviews/export.csv) and portal-wide (/reviews/export/).
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from aptem.csv_export import csv_response
from aptem.pagination import query_without_page
from aptem.permissions import require_permission
from audit.services import log_access
from reporting.exports import too_big_to_stream
from reporting.tasks import file_export_start
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
from .exports import due_export_rows, export_row_keys, review_export
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


def _file_export(request: HttpRequest, kind: str, label: str, query: str, back: str):
    """An export with more rows than settings.EXPORT_INLINE_MAX_ROWS: a task writes its file.
    Only a POST makes the job, so a reload or a link prefetch never makes two."""
    if request.method != "POST":
        messages.info(
            request,
            f"This export has more than {settings.EXPORT_INLINE_MAX_ROWS:,} rows: press Export "
            "CSV to have its file made in the background.",
        )
        return redirect(back)
    job = file_export_start(actor=request.user, kind=kind, label=label, parameters={"query": query})
    messages.success(request, "The export has started: its file is made in the background.")
    return redirect("reporting:detail", pk=job.pk)


@require_http_methods(["GET", "POST"])
def due_export(request: HttpRequest) -> HttpResponse:
    """The Reviews due page's filtered rows as CSV, streamed (the page's Export button posts;
    a saved GET link still works), or made by a task when there are too many."""
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
    rows = sorted_rows(due_filter.qs, sort)
    query = request.GET.urlencode()
    if too_big_to_stream(rows):
        back = f"{reverse('reviews_due:list')}?{query}"
        return _file_export(request, "reviews_due", "Reviews due", query, back)
    log_access(
        request.user,
        kind="export",
        detail=f"Reviews due CSV: {query or 'all'}",
        actor=request.user,
    )
    return csv_response(due_export_rows(rows), filename_prefix="reviews-due")


@require_GET
def learner_reviews_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One learner's reviews as CSV, one row per review and question."""
    learner = get_learner_for(request, pk)
    require_permission(request, EXPORT_PERMISSION)
    # The export carries the learner's reviews out of the portal: noted on their own trail.
    log_access(learner, kind="export", detail="Reviews CSV", actor=request.user)
    reviews = Review.objects.filter(learner=learner)
    return csv_response(review_export(reviews), filename_prefix=f"reviews-{learner.pk}")


@require_http_methods(["GET", "POST"])
def reviews_export(request: HttpRequest) -> HttpResponse:
    """Review data of every learner in the viewer's scope: the form, then (its Export button
    posts) the CSV of the reviews held in the date range matching the filters, streamed, or
    made by a task when there are too many rows. A GET with ``export`` (a saved link) streams."""
    require_portal_access(request)
    require_permission(request, EXPORT_PERMISSION)
    data = request.POST if request.method == "POST" else request.GET
    submitted = "export" in data
    export_filter = ReviewExportFilter(
        data if submitted else None, queryset=review_rows(request.user), viewer=request.user
    )
    if not submitted or not export_filter.is_valid():
        status = 400 if submitted else 200
        return render(
            request, "reviews/due/reviews_export.html", {"filter": export_filter}, status=status
        )
    query = data.copy()
    query.pop("csrfmiddlewaretoken", None)
    query = query.urlencode()
    if too_big_to_stream(export_row_keys(export_filter.qs)):
        back = f"{reverse('reviews_due:reviews_export')}?{query}"
        return _file_export(request, "reviews", "Review data", query, back)
    log_access(request.user, kind="export", detail=f"Reviews CSV: {query}", actor=request.user)
    return csv_response(review_export(export_filter.qs), filename_prefix="reviews")
