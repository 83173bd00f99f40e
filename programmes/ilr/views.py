"""A learner's ILR: the read-only User and Admin tabs, Create ILR, Edit ILR and ILR QA.

Who may do what (enforced here; templates only hide what the viewer may not do):

* View: any administrator who can see the learner (``get_learner_for``). Ethnicity and the
  disability and health answers are special-category data: shown only to holders of
  ``users.view_sensitive_data`` (masked for others), and each showing is written to the
  learner's audit trail as an access entry.
* Create and edit: ``programmes.manage_ilrs``. A QA-verified ILR is locked for everyone
  without ``programmes.qa_verify_ilr``: its forms show disabled fields and a post is refused.
  Without ``users.view_sensitive_data`` the Edit User tab leaves out ethnicity and the
  disability answers (a save keeps them); opening it with the role is logged like viewing.
* QA verify, un-verify (with a reason): ``programmes.qa_verify_ilr``.

Every save builds the learner's ILR as it would be after the save and runs the DfE rules
(``rules.check_learner``): errors on this form's fields, and errors the change would introduce
anywhere, block the save and are shown beside their fields; warnings are shown after the save.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.permissions import require_permission
from aptem.versioning import (
    STALE_ACTION_MESSAGE,
    EditConflict,
    VersionForm,
    conflict_status,
    refuse_stale,
)
from audit.services import log_access
from users.access import get_learner_for
from users.models import User

from . import codes, services
from .data import learner_values, record_values, tree_values
from .display import admin_tab, user_tab
from .forms import (
    ADMIN_FORMSETS,
    AIM_FORMSETS,
    USER_FORMSETS,
    DeliveryForm,
    EmploymentMonitoringForm,
    EmploymentMonitoringFormSet,
    EpisodeStatusForm,
    IlrAdminForm,
    IlrCreateForm,
    IlrUserForm,
    UnverifyForm,
    element_fields,
    element_label,
)
from .models import IlrLearner, LearningDelivery
from .rules import Finding, check_learner

MANAGE = services.MANAGE_PERMISSION
QA = services.QA_PERMISSION
SENSITIVE = "users.view_sensitive_data"
# Formsets of special-category data, left off the User tab form without SENSITIVE.
SENSITIVE_FORMSETS = {"lldd"}


def _ilr_url(learner: User, tab: str = "user") -> str:
    return f"{reverse('programmes:ilr_detail', args=[learner.pk])}?tab={tab}"


def _current_ilr(learner: User) -> IlrLearner:
    ilr = services.ilr_for_year(learner)
    if ilr is None:
        raise Http404("This learner has no ILR for this collection year.")
    return ilr


@require_GET
def ilr_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
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
        _log_sensitive_access(ilr, "User tab")
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
    }
    return render(request, "programmes/ilr_detail.html", context)


# --- Create -------------------------------------------------------------------------------


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
        return redirect(_ilr_url(learner))
    enrolment = (
        learner.enrolments.filter(is_current=True)
        .select_related("programme")
        .order_by("-pk")
        .first()
    )
    form = IlrCreateForm(request.POST or None, initial=_initial_from(learner))
    warnings: list[Finding] = []
    if request.method == "POST" and form.is_valid():
        ilr = form.instance
        ilr.learner = learner
        values = learner_values_unsaved(ilr, enrolment)
        findings = check_learner(values)
        blocking = _place_findings(findings, form, [], aim=None, new_keys=None)
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
                _warn(request, warnings)
                messages.success(request, f"An ILR for {codes.COLLECTION_YEAR} was created.")
                return redirect(_ilr_url(learner))
    context = {"form": form, "subject": learner, "enrolment": enrolment}
    return render(request, "programmes/ilr_create.html", context)


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


# --- Rule findings on forms ---------------------------------------------------------------


def _key(finding: Finding) -> tuple:
    return (finding.rule, finding.field, finding.aim, finding.message)


def _place_findings(findings, form, formsets, *, aim: int | None, new_keys: set | None) -> bool:
    """Put each error beside its field (or in the form's error list, naming the field) when
    it belongs to this form or is new with this change; return whether any blocks the save."""
    fields = element_fields(form._meta.model)
    blocking = False
    for finding in findings:
        if not finding.is_error:
            continue
        same_record = finding.aim == aim
        field = fields.get(finding.field) if same_record else None
        if field in form.fields and not form.fields[field].disabled:
            form.add_error(field, finding.message)
            blocking = True
            continue
        formset = next(
            (
                fs
                for fs in formsets
                if same_record
                and (finding.field == fs.element or finding.field in element_fields(fs.model))
            ),
            None,
        )
        if formset is not None:
            formset._non_form_errors.append(f"{element_label(finding.field)}: {finding.message}")
            blocking = True
        elif (aim is not None and finding.aim == aim) or (
            new_keys is not None and _key(finding) in new_keys
        ):
            where = f"aim {finding.aim}, " if finding.aim and finding.aim != aim else ""
            form.add_error(None, f"{where}{element_label(finding.field)}: {finding.message}")
            blocking = True
    return blocking


def _warn(request: HttpRequest, findings) -> None:
    for finding in findings:
        where = f"Aim {finding.aim}, " if finding.aim else ""
        prefix = "Check" if not finding.is_error else "Still to fix"
        messages.warning(
            request, f"{prefix}: {where}{element_label(finding.field)}: {finding.message}"
        )


def _in_scope_warnings(findings, new_keys, aim, form, formsets) -> list[Finding]:
    fields = set(element_fields(form._meta.model))
    for fs in formsets:
        fields |= {fs.element, *element_fields(fs.model)}
    return [
        f
        for f in findings
        if not f.is_error
        and (_key(f) in new_keys or (f.aim == aim and (f.field in fields or aim is not None)))
    ]


def _save_with_rules(request, *, ilr, form, formsets, values, aim) -> tuple[bool, list | None]:
    """Check the rules on ``values`` and save; (saved, conflict changes or None)."""
    before = check_learner(learner_values(services.ilr_for_year(ilr.learner)))
    after = check_learner(values)
    new_keys = {_key(f) for f in services.new_findings(before, after)}
    if _place_findings(after, form, formsets, aim=aim, new_keys=new_keys):
        return False, None
    try:
        services.ilr_save(
            ilr=ilr,
            form=form,
            formsets=formsets,
            based_on_version=form.based_on_version(),
            actor=request.user,
        )
    except EditConflict as exc:
        return False, exc
    _warn(request, _in_scope_warnings(after, new_keys, aim, form, formsets))
    return True, None


def _conflict(form, exc: EditConflict, rebuild):
    """The ILR form and its formsets again after a stale save (``rebuild(data)`` builds both)."""
    formsets = []

    def form_only(data):
        rebuilt, formsets[:] = rebuild(data)
        return rebuilt

    return refuse_stale(form, exc, "ILR", rebuild=form_only), formsets


def _refuse_locked(request: HttpRequest, ilr: IlrLearner, learner: User) -> HttpResponse:
    messages.error(request, f"Nothing was saved. {services.lock_message(ilr)}")
    return redirect(_ilr_url(learner))


# --- Edit the User and Admin tabs ---------------------------------------------------------

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


def _log_sensitive_access(ilr: IlrLearner, where: str) -> None:
    detail = f"ILR special-category data (ethnicity, disabilities): {where}"
    log_access(ilr, kind="viewed", detail=detail)


@require_http_methods(["GET", "POST"])
def ilr_edit(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    if tab not in TABS:
        raise Http404("No such tab.")
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    ilr = _current_ilr(learner)
    locked = services.is_locked_for(ilr, request.user)
    if request.method == "POST" and locked:
        return _refuse_locked(request, ilr, learner)
    sensitive = request.user.has_perm(SENSITIVE)
    if tab == "user" and sensitive and request.method == "GET":
        _log_sensitive_access(ilr, "Edit User tab")
    form, formsets = _tab_forms(tab, request.POST or None, ilr, locked, sensitive)
    conflict = None
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets):
        children = {fs.element: services.formset_values(fs) for fs in formsets if fs.element}
        values = services.proposed_values(ilr, children=children)
        saved, exc = _save_with_rules(
            request, ilr=ilr, form=form, formsets=formsets, values=values, aim=None
        )
        if saved:
            messages.success(request, f"Your changes to {learner.full_name}'s ILR were saved.")
            return redirect(_ilr_url(learner, tab))
        if exc is not None:
            conflict = exc
            form, formsets = _conflict(
                form,
                exc,
                lambda data: _tab_forms(tab, data, _current_ilr(learner), locked, sensitive),
            )
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
    return render(request, "programmes/ilr_edit.html", context, status=conflict_status(conflict))


# --- Aims ---------------------------------------------------------------------------------


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
        return _refuse_locked(request, ilr, learner)
    form, formsets = _aim_forms(request.POST or None, ilr, delivery, locked)
    conflict = None
    if request.method == "POST" and form.is_valid() and all(fs.is_valid() for fs in formsets):
        values = services.proposed_values(
            ilr, aim=position, aim_values=_aim_values(form.instance, formsets)
        )
        saved, exc = _save_with_rules(
            request, ilr=ilr, form=form, formsets=formsets, values=values, aim=position
        )
        if saved:
            messages.success(request, f"Aim {form.instance.aim_seq_number} was saved.")
            return redirect(_ilr_url(learner, "admin"))
        if exc is not None:
            conflict = exc
            form, formsets = _conflict(
                form, exc, lambda data: _aim_forms(data, _current_ilr(learner), delivery, locked)
            )
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
        request, "programmes/ilr_aim_form.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def ilr_aim_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    ilr = _current_ilr(learner)
    numbers = [d.aim_seq_number for d in ilr.deliveries.all()]
    delivery = LearningDelivery(ilr=ilr, aim_seq_number=max(numbers, default=0) + 1)
    return _aim_page(request, learner, ilr, delivery)


@require_http_methods(["GET", "POST"])
def ilr_aim_edit(request: HttpRequest, pk: int, aim_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    ilr = _current_ilr(learner)
    delivery = next((d for d in ilr.deliveries.all() if d.pk == aim_pk), None)
    if delivery is None:
        raise Http404("No such aim on this ILR.")
    return _aim_page(request, learner, ilr, delivery)


@require_http_methods(["GET", "POST"])
def ilr_aim_remove(request: HttpRequest, pk: int, aim_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    ilr = _current_ilr(learner)
    delivery = get_object_or_404(ilr.deliveries, pk=aim_pk)
    if services.is_locked_for(ilr, request.user):
        return _refuse_locked(request, ilr, learner)
    form = VersionForm(request.POST or None, version=ilr.version)
    conflict = None
    if request.method == "POST":
        try:
            services.ilr_aim_remove(
                ilr=ilr,
                delivery=delivery,
                based_on_version=form.based_on_version(),
                actor=request.user,
            )
        except EditConflict as exc:
            conflict, ilr = exc, exc.record
            form = refuse_stale(form, exc, "ILR")
        else:
            messages.success(request, f"Aim {delivery.aim_seq_number} was removed.")
            return redirect(_ilr_url(learner, "admin"))
    context = {"subject": learner, "ilr": ilr, "delivery": delivery, "form": form}
    context["conflict"] = conflict
    return render(
        request, "programmes/ilr_aim_remove.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def ilr_employment_monitoring(request: HttpRequest, pk: int, status_pk: int) -> HttpResponse:
    """The monitoring (ESMType/ESMCode) of one employment status: no DfE rule in
    ``rules.py`` reads it, so it saves once the fields themselves are valid."""
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    ilr = _current_ilr(learner)
    status = next((s for s in ilr.employment_statuses.all() if s.pk == status_pk), None)
    if status is None:
        raise Http404("No such employment status on this ILR.")
    locked = services.is_locked_for(ilr, request.user)
    if request.method == "POST" and locked:
        return _refuse_locked(request, ilr, learner)
    reason = services.lock_message(ilr) if locked else ""
    data = request.POST or None
    form = EmploymentMonitoringForm(data, version=ilr.version)
    formset = EmploymentMonitoringFormSet(
        data, instance=status, prefix="esm", locked=locked, lock_reason=reason
    )
    conflict = None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.ilr_save(
                ilr=ilr,
                form=None,
                formsets=[formset],
                based_on_version=form.based_on_version(),
                actor=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            form = refuse_stale(form, exc, "ILR")
        else:
            messages.success(request, "The employment status monitoring was saved.")
            return redirect(_ilr_url(learner))
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
    return render(request, "programmes/ilr_employment_monitoring.html", context, status=status)


# --- QA and episode status ----------------------------------------------------------------


@require_POST
def ilr_qa_verify(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, QA)
    ilr = _current_ilr(learner)
    errors = [f for f in check_learner(learner_values(ilr)) if f.is_error]
    if errors:
        messages.error(request, "The ILR cannot be QA verified while it has errors:")
        _warn(request, errors)
        return redirect(_ilr_url(learner))
    try:
        services.ilr_qa_verify(
            ilr=ilr,
            based_on_version=VersionForm(request.POST).based_on_version(),
            actor=request.user,
        )
    except EditConflict:
        messages.error(request, STALE_ACTION_MESSAGE.format(what="ILR"))
    else:
        messages.success(request, "The ILR is QA verified and now locked for editing.")
    return redirect(_ilr_url(learner))


@require_http_methods(["GET", "POST"])
def ilr_unverify(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, QA)
    ilr = _current_ilr(learner)
    if not ilr.is_qa_verified:
        messages.info(request, "The ILR is not QA verified.")
        return redirect(_ilr_url(learner))
    form = UnverifyForm(request.POST or None, version=ilr.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.ilr_unverify(
                ilr=ilr,
                reason=form.cleaned_data["reason"],
                based_on_version=form.based_on_version(),
                actor=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            form = refuse_stale(form, exc, "ILR")
        else:
            messages.success(request, "The QA verification was removed; the ILR is a draft again.")
            return redirect(_ilr_url(learner))
    context = {"subject": learner, "ilr": ilr, "form": form, "conflict": conflict}
    return render(
        request, "programmes/ilr_unverify.html", context, status=conflict_status(conflict)
    )


@require_POST
def ilr_status(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE)
    ilr = _current_ilr(learner)
    if ilr.is_qa_verified:
        messages.error(
            request, "A QA-verified ILR changes status only by removing the QA verification."
        )
        return redirect(_ilr_url(learner))
    form = EpisodeStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an episode status from the list.")
        return redirect(_ilr_url(learner))
    try:
        with transaction.atomic():
            ilr = services.ilr_set_status(
                ilr=ilr,
                status=form.cleaned_data["episode_status"],
                based_on_version=form.based_on_version(),
                actor=request.user,
            )
    except EditConflict:
        messages.error(request, STALE_ACTION_MESSAGE.format(what="ILR"))
    else:
        messages.success(request, f"The episode status is now {ilr.get_episode_status_display()}.")
    return redirect(_ilr_url(learner))
