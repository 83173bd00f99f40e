"""The Signatures page (/compliance/signatures/): every learner in the viewer's scope whose
current programme requires compliance documents, by status, with bulk Create and Send reminders
(role "Compliance mass processing")."""

from dataclasses import asdict

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from aptem.pagination import query_without_page
from aptem.permissions import require_permission
from users.access import require_portal_access

from . import bulk
from .signature_list import DEFAULT_VIEW, VIEWS, BulkForm, SignatureFilter, signature_rows

MASS = "compliance.mass_process"
ROWS_PER_PAGE = 25
REPORT_KEY = "compliance_bulk_report"


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
    action = form.cleaned_data["action"]
    report = bulk.run(action, form.cleaned_data["rows"], actor=request.user)
    # POST/redirect/GET: the report waits in the session for the page that shows it.
    request.session[REPORT_KEY] = {
        "action": BulkForm.ACTIONS[action],
        "outcomes": [asdict(outcome) for outcome in report],
    }
    return redirect("compliance:signatures_report")


@require_GET
def signature_report(request: HttpRequest) -> HttpResponse:
    """What the last bulk action did for each learner (shown once)."""
    require_portal_access(request)
    report = request.session.pop(REPORT_KEY, None)
    if report is None:
        return redirect("compliance:signatures")
    context = {"report": report["outcomes"], "action_label": report["action"]}
    return render(request, "compliance/signature_bulk.html", context)
