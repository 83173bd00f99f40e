"""The ILR page (User and Admin tabs, any collection year), Create ILR and the episode status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.permissions import require_permission
from aptem.versioning import act_unless_stale, conflict_status
from users.access import get_learner_for
from users.models import User

from .. import codes, services
from ..data import learner_values, record_values
from ..display import admin_tab, user_tab
from ..forms import EpisodeStatusForm, IlrCreateForm
from ..models import IlrLearner
from ..rules import Finding, check_learner
from .common import (
    MANAGE,
    QA,
    SENSITIVE,
    ilr_for,
    ilr_url,
    log_sensitive_access,
)
from .findings import place_findings, warn_findings


@require_GET
def ilr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return ilr_detail_page(request, get_learner_for(request, pk))


def ilr_detail_page(request: HttpRequest, learner: User, conflict=None) -> HttpResponse:
    """The ILR page; after a refused QA verify or status change, again with what changed
    since (409)."""
    years = sorted(
        set(learner.ilrs.values_list("collection_year", flat=True)) | {codes.COLLECTION_YEAR},
        reverse=True,
    )
    year = request.GET.get("year", codes.COLLECTION_YEAR)
    if year not in years:
        raise Http404("No ILR for that collection year.")
    tab = "admin" if request.GET.get("tab") == "admin" else "user"
    ilr = services.ilr_for_year(learner, year)
    sensitive = request.user.has_perm(SENSITIVE)
    if ilr is not None and tab == "user" and sensitive:
        log_sensitive_access(ilr, "User tab")
    context = {
        "subject": learner,
        "ilr": ilr,
        "tab": tab,
        "year": year,
        "years": years if len(years) > 1 else [],
        "sections": (user_tab(ilr, sensitive) if tab == "user" else admin_tab(ilr)) if ilr else [],
        "findings": check_learner(learner_values(ilr)) if ilr else [],
        "may_manage": request.user.has_perm(MANAGE),
        "may_qa": request.user.has_perm(QA),
        "locked": services.is_locked_for(ilr, request.user),
        "lock_message": services.lock_message(ilr) if ilr and ilr.is_qa_verified else "",
        "is_current_year": year == codes.COLLECTION_YEAR,
        "conflict": conflict,
    }
    return render(
        request, "programmes/ilr/ilr_detail.html", context, status=conflict_status(conflict)
    )


def _initial_from(learner: User) -> dict:
    reference = learner.reference_number or ""
    return {
        "learn_ref_number": reference
        if reference and len(reference) <= 12 and reference.replace(" ", "").isalnum()
        else "",
        "uln": learner.uln,
        "given_names": learner.first_name,
        "family_name": learner.last_name,
        "date_of_birth": learner.date_of_birth,
        "sex": learner.sex if learner.sex in dict(codes.Sex.choices) else "",
        "ni_number": learner.ni_number,
        "add_line1": learner.address_line_1,
        "add_line2": learner.address_line_2,
        "add_line3": learner.town,
        "add_line4": learner.county,
        "postcode": learner.postcode,
        "tel_no": (learner.mobile or learner.landline or "").replace(" ", ""),
        "email": learner.email or learner.personal_email or "",
    }


@require_http_methods(["GET", "POST"])
def ilr_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    if learner.ilrs.filter(collection_year=codes.COLLECTION_YEAR).exists():
        messages.info(request, f"{learner.full_name} already has an ILR for this year.")
        return redirect(ilr_url(learner))
    enrolment = learner.enrolments.newest_current()
    form = IlrCreateForm(request.POST or None, initial=_initial_from(learner))
    warnings: list[Finding] = []
    if request.method == "POST" and form.is_valid():
        ilr = form.instance
        ilr.learner = learner
        values = learner_values_unsaved(ilr, enrolment)
        findings = check_learner(values)
        blocking = place_findings(findings, form, [], aim=None, new_keys=None)
        warnings = [f for f in findings if not f.is_error or f.aim is not None]
        if not blocking and _unique_ref(form, ilr):
            try:
                ilr = services.ilr_create(
                    learner=learner, form=form, enrolment=enrolment, actor=request.user
                )
            except ValidationError as exc:
                form.add_error(
                    None,
                    "The programme's ILR template does not make valid ILR records, so nothing "
                    "was saved: " + "; ".join(services.validation_messages(exc)),
                )
            else:
                warn_findings(request, warnings)
                messages.success(request, f"An ILR for {codes.COLLECTION_YEAR_LABEL} was created.")
                return redirect(ilr_url(learner))
    context = {"form": form, "subject": learner, "enrolment": enrolment}
    return render(request, "programmes/ilr/ilr_create.html", context)


def learner_values_unsaved(ilr: IlrLearner, enrolment) -> dict:
    values = record_values(ilr)
    values.update(services.programme_children(enrolment, ilr))
    return values


def _unique_ref(form, ilr: IlrLearner) -> bool:
    clash = IlrLearner.objects.filter(
        collection_year=codes.COLLECTION_YEAR, learn_ref_number=ilr.learn_ref_number
    ).exclude(learner=ilr.learner)
    if clash.exists():
        form.add_error(
            "learn_ref_number", "Another learner's ILR this year already uses this reference."
        )
        return False
    return True


@require_POST
def ilr_status(request: HttpRequest, pk: int) -> HttpResponse:
    learner, ilr = ilr_for(request, pk)
    if ilr.is_qa_verified:
        messages.error(
            request, "A QA-verified ILR changes status only by removing the QA verification."
        )
        return redirect(ilr_url(learner))
    form = EpisodeStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an episode status from the list.")
        return redirect(ilr_url(learner))
    saved = act_unless_stale(
        request,
        lambda: services.ilr_set_status(
            ilr=ilr,
            status=form.cleaned_data["episode_status"],
            based_on_version=form.based_on_version(),
            actor=request.user,
        ),
        "ILR",
    )
    if not saved.ok:
        return ilr_detail_page(request, learner, conflict=saved.conflict)
    messages.success(
        request, f"The episode status is now {saved.result.get_episode_status_display()}."
    )
    return redirect(ilr_url(learner))
