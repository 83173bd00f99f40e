"""ILR QA: verify (locks the ILR) and un-verify with a reason."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from aptem.versioning import (
    act_on_posted_version,
    conflict_status,
    update_unless_stale,
)

from .. import services
from ..data import learner_values
from ..forms import UnverifyForm
from ..rules import check_learner
from .common import QA, ilr_for, ilr_url
from .findings import warn_findings
from .pages import ilr_detail_page


@require_POST
def ilr_qa_verify(request: HttpRequest, pk: int) -> HttpResponse:
    learner, ilr = ilr_for(request, pk, QA)
    errors = [f for f in check_learner(learner_values(ilr)) if f.is_error]
    if errors:
        messages.error(request, "The ILR cannot be QA verified while it has errors:")
        warn_findings(request, errors)
        return redirect(ilr_url(learner))
    saved = act_on_posted_version(request, partial(services.ilr_qa_verify, ilr=ilr), "ILR")
    if not saved.ok:
        return ilr_detail_page(request, learner, conflict=saved.conflict)
    messages.success(request, "The ILR is QA verified and now locked for editing.")
    return redirect(ilr_url(learner))


@require_http_methods(["GET", "POST"])
def ilr_unverify(request: HttpRequest, pk: int) -> HttpResponse:
    learner, ilr = ilr_for(request, pk, QA)
    if not ilr.is_qa_verified:
        messages.info(request, "The ILR is not QA verified.")
        return redirect(ilr_url(learner))
    form = UnverifyForm(request.POST or None, version=ilr.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = update_unless_stale(
            request,
            form,
            partial(services.ilr_unverify, ilr=ilr, reason=form.cleaned_data["reason"]),
            "ILR",
        )
        if saved.ok:
            messages.success(request, "The QA verification was removed; the ILR is a draft again.")
            return redirect(ilr_url(learner))
        form, conflict = saved.form, saved.conflict
    context = {"subject": learner, "ilr": ilr, "form": form, "conflict": conflict}
    return render(
        request, "programmes/ilr/ilr_unverify.html", context, status=conflict_status(conflict)
    )
