"""The Signatures page (/compliance/signatures/): every learner in the viewer's scope whose
current programme requires compliance documents, by status, with bulk Create and Send reminders
(role "Compliance mass processing")."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from aptem.pagination import query_without_page
from aptem.permissions import require_permission
from reporting.models import FileExport
from users.access import require_portal_access

from . import bulk
from .signature_list import DEFAULT_VIEW, VIEWS, BulkForm, SignatureFilter, signature_rows

MASS = bulk.PERMISSION
ROWS_PER_PAGE = 25


@require_GET
def signature_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    view = request.GET.get("view", DEFAULT_VIEW)
    if view not in VIEWS:
        view = DEFAULT_VIEW
    signature_filter = SignatureFilter(
        request.GET, queryset=signature_rows(request.user, view), viewer=request.user
    )
    rows = (
        signature_filter.qs
        if signature_filter.is_valid()
        else signature_rows(request.user, view).none()
    )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filter": signature_filter,
        "page": page,
        "view": view,
        "views": [(key, label) for key, (label, _) in VIEWS.items()],
        "view_label": VIEWS[view][0],
        "query": query_without_page(request),
        "may_mass_process": request.user.has_perm(MASS),
    }
    return render(request, "compliance/signature_list.html", context)


@require_POST
def signature_bulk(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MASS)
    form = BulkForm(request.POST)
    if not form.is_valid():
        return render(request, "compliance/signature_bulk.html", {"form": form}, status=400)
    job = bulk.bulk_start(
        action=form.cleaned_data["action"], pairs=form.cleaned_data["rows"], actor=request.user
    )
    # POST/redirect/GET: the report page follows the job until its report is written.
    return redirect("compliance:signatures_report", pk=job.pk)


@require_GET
def signature_report(request: HttpRequest, pk: int) -> HttpResponse:
    """What a bulk action did for each learner: its progress while the task runs (the page polls
    with htmx), then the report. Only its own administrator sees it."""
    require_portal_access(request)
    require_permission(request, MASS)
    jobs = FileExport.objects.filter(kind=bulk.KIND, created_by=request.user)
    job = get_object_or_404(jobs, pk=pk)
    context = {
        "job": job,
        "action_label": bulk.ACTION_LABELS.get(job.parameters.get("action"), "Bulk action"),
        "report": bulk.read_report(job) if job.downloadable else None,
    }
    template = "compliance/signature_bulk.html"
    return render(request, f"{template}#status" if request.htmx else template, context)
