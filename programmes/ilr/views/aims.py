"""An ILR's aims (learning deliveries): add, edit and remove."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from aptem.versioning import VersionForm, conflict_status, update_unless_stale
from users.models import User

from .. import services
from ..data import record_values, tree_values
from ..forms import AIM_FORMSETS, DeliveryForm
from ..models import IlrLearner, LearningDelivery
from .common import current_ilr, ilr_for, ilr_url, one_of, refuse_locked
from .findings import save_with_rules


def _aim_forms(data, ilr: IlrLearner, delivery: LearningDelivery, locked: bool):
    reason = services.lock_message(ilr) if locked else ""
    form = DeliveryForm(
        data, instance=delivery, ilr=ilr, version=ilr.version, locked=locked, lock_reason=reason
    )
    formsets = [
        cls(data, instance=delivery, prefix=prefix, locked=locked, lock_reason=reason)
        for prefix, cls in AIM_FORMSETS.items()
    ]
    return form, formsets


def _aim_values(delivery: LearningDelivery, formsets) -> dict:
    values = tree_values(delivery) if delivery.pk else record_values(delivery)
    values.update(record_values(delivery))
    for fs in formsets:
        values[fs.element] = services.formset_values(fs)
    return values


def _aim_page(request: HttpRequest, learner: User, ilr: IlrLearner, delivery: LearningDelivery):
    aims = list(ilr.deliveries.all())
    position = next((i for i, d in enumerate(aims, 1) if d.pk == delivery.pk), len(aims) + 1)
    locked = services.is_locked_for(ilr, request.user)
    if request.method == "POST" and locked:
        return refuse_locked(request, ilr, learner)
    form, formsets = _aim_forms(request.POST or None, ilr, delivery, locked)
    conflict = None
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets):
        values = services.proposed_values(
            ilr, aim=position, aim_values=_aim_values(form.instance, formsets)
        )
        saved = save_with_rules(
            request,
            ilr=ilr,
            form=form,
            formsets=formsets,
            values=values,
            aim=position,
            rebuild=lambda data: _aim_forms(data, current_ilr(learner), delivery, locked),
        )
        if saved.ok:
            messages.success(request, f"Aim {form.instance.aim_seq_number} was saved.")
            return redirect(ilr_url(learner, "admin"))
        form, formsets, conflict = saved.form, saved.formsets, saved.conflict
    context = {
        "subject": learner,
        "ilr": ilr,
        "form": form,
        "formsets": formsets,
        "delivery": delivery,
        "title": f"Edit aim {delivery.aim_seq_number}" if delivery.pk else "Add an aim",
        "conflict": conflict,
        "locked": locked,
    }
    return render(
        request, "programmes/ilr/ilr_aim_form.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def ilr_aim_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner, ilr = ilr_for(request, pk)
    numbers = [d.aim_seq_number for d in ilr.deliveries.all()]
    delivery = LearningDelivery(ilr=ilr, aim_seq_number=max(numbers, default=0) + 1)
    return _aim_page(request, learner, ilr, delivery)


@require_http_methods(["GET", "POST"])
def ilr_aim_edit(request: HttpRequest, pk: int, aim_pk: int) -> HttpResponse:
    learner, ilr = ilr_for(request, pk)
    delivery = one_of(ilr.deliveries.all(), aim_pk, "No such aim on this ILR.")
    return _aim_page(request, learner, ilr, delivery)


@require_http_methods(["GET", "POST"])
def ilr_aim_remove(request: HttpRequest, pk: int, aim_pk: int) -> HttpResponse:
    learner, ilr = ilr_for(request, pk)
    delivery = get_object_or_404(ilr.deliveries, pk=aim_pk)
    if services.is_locked_for(ilr, request.user):
        return refuse_locked(request, ilr, learner)
    form = VersionForm(request.POST or None, version=ilr.version)
    conflict = None
    if request.method == "POST":
        saved = update_unless_stale(
            request, form, partial(services.ilr_aim_remove, ilr=ilr, delivery=delivery), "ILR"
        )
        if saved.ok:
            messages.success(request, f"Aim {delivery.aim_seq_number} was removed.")
            return redirect(ilr_url(learner, "admin"))
        form, conflict, ilr = saved.form, saved.conflict, saved.conflict.record
    context = {"subject": learner, "ilr": ilr, "delivery": delivery, "form": form}
    context["conflict"] = conflict
    return render(
        request, "programmes/ilr/ilr_aim_remove.html", context, status=conflict_status(conflict)
    )
