"""Edit ILR: the User and Admin tabs with their formsets, and an employment status's
monitoring."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from aptem.versioning import conflict_status, update_unless_stale

from .. import services
from ..forms import (
    ADMIN_FORMSETS,
    USER_FORMSETS,
    EmploymentMonitoringForm,
    EmploymentMonitoringFormSet,
    IlrAdminForm,
    IlrUserForm,
)
from ..models import IlrLearner
from .common import (
    SENSITIVE,
    SENSITIVE_FORMSETS,
    current_ilr,
    ilr_for,
    ilr_url,
    log_sensitive_access,
    one_of,
    refuse_locked,
)
from .findings import save_with_rules

TABS = {
    "user": (IlrUserForm, USER_FORMSETS, "Edit ILR: User tab"),
    "admin": (IlrAdminForm, ADMIN_FORMSETS, "Edit ILR: Admin tab"),
}


def _tab_forms(tab: str, data, ilr: IlrLearner, locked: bool, sensitive: bool):
    form_class, formset_classes, _ = TABS[tab]
    reason = services.lock_message(ilr) if locked else ""
    kwargs = {"sensitive": sensitive} if tab == "user" else {}
    form = form_class(
        data, instance=ilr, version=ilr.version, locked=locked, lock_reason=reason, **kwargs
    )
    formsets = [
        cls(data, instance=ilr, prefix=prefix, locked=locked, lock_reason=reason)
        for prefix, cls in formset_classes.items()
        if sensitive or prefix not in SENSITIVE_FORMSETS
    ]
    return form, formsets


@require_http_methods(["GET", "POST"])
def ilr_edit(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    if tab not in TABS:
        raise Http404("No such tab.")
    learner, ilr = ilr_for(request, pk)
    locked = services.is_locked_for(ilr, request.user)
    if request.method == "POST" and locked:
        return refuse_locked(request, ilr, learner)
    sensitive = request.user.has_perm(SENSITIVE)
    if tab == "user" and sensitive and request.method == "GET":
        log_sensitive_access(ilr, "Edit User tab")
    form, formsets = _tab_forms(tab, request.POST or None, ilr, locked, sensitive)
    conflict = None
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets):
        children = {fs.element: services.formset_values(fs) for fs in formsets if fs.element}
        values = services.proposed_values(ilr, children=children)
        saved = save_with_rules(
            request,
            ilr=ilr,
            form=form,
            formsets=formsets,
            values=values,
            aim=None,
            rebuild=lambda data: _tab_forms(tab, data, current_ilr(learner), locked, sensitive),
        )
        if saved.ok:
            messages.success(request, f"Your changes to {learner.full_name}'s ILR were saved.")
            return redirect(ilr_url(learner, tab))
        form, formsets, conflict = saved.form, saved.formsets, saved.conflict
    context = {
        "subject": learner,
        "ilr": ilr,
        "form": form,
        "formsets": formsets,
        "tab": tab,
        "title": TABS[tab][2],
        "conflict": conflict,
        "locked": locked,
        "sensitive_hidden": tab == "user" and not sensitive,
    }
    return render(
        request, "programmes/ilr/ilr_edit.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def ilr_employment_monitoring(request: HttpRequest, pk: int, status_pk: int) -> HttpResponse:
    """The monitoring (ESMType/ESMCode) of one employment status: no DfE rule in
    ``rules.py`` reads it, so it saves once the fields themselves are valid."""
    learner, ilr = ilr_for(request, pk)
    status = one_of(
        ilr.employment_statuses.all(), status_pk, "No such employment status on this ILR."
    )
    locked = services.is_locked_for(ilr, request.user)
    if request.method == "POST" and locked:
        return refuse_locked(request, ilr, learner)
    reason = services.lock_message(ilr) if locked else ""
    data = request.POST or None
    form = EmploymentMonitoringForm(data, version=ilr.version)
    formset = EmploymentMonitoringFormSet(
        data, instance=status, prefix="esm", locked=locked, lock_reason=reason
    )
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        saved = update_unless_stale(
            request, form, partial(services.ilr_save, ilr=ilr, form=None, formsets=[formset]), "ILR"
        )
        if saved.ok:
            messages.success(request, "The employment status monitoring was saved.")
            return redirect(ilr_url(learner))
        form, conflict = saved.form, saved.conflict
    context = {
        "subject": learner,
        "ilr": ilr,
        "form": form,
        "formsets": [formset],
        "status": status,
        "conflict": conflict,
        "locked": locked,
    }
    status = conflict_status(conflict)
    return render(request, "programmes/ilr/ilr_employment_monitoring.html", context, status=status)
