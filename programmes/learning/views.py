"""The learning plan overview, the OTJ ledger and the onboarding wizard, one learner at a time.

Anyone who can reach the learner may look; changing needs a named permission (403 without).
"""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.permissions import require_permission
from aptem.versioning import (
    CONFLICT_STATUS,
    Saved,
    VersionForm,
    act_on_posted_version,
    conflict_status,
    save_unless_stale,
    update_unless_stale,
)
from audit.downloads import serve_download
from users.access import get_learner_for
from users.models import User

from ..ilr import codes
from ..ilr.models import IlrLearner
from ..models import Enrolment
from . import progress, services
from .forms import (
    ASSESSMENT_SUBJECTS,
    AdviceForm,
    AssessmentsForm,
    CertificationForm,
    ComponentForm,
    EvidenceDecisionForm,
    EvidenceForm,
    IlrFillForm,
    IntroductionForm,
    OtjEntryForm,
    PersonalForm,
    learn_ref_problem,
    new_ilr_for,
)
from .models import Certification, EvidenceItem, LearnerComponent, OtjEntry, WizardProgress

EDIT_PLAN = "programmes.edit_learning_plan"
ASSESS = "programmes.assess_evidence"
VERIFY = "programmes.verify_otj_hours"
MANAGE_ILRS = "programmes.manage_ilrs"
QA_VERIFY = "programmes.qa_verify_ilr"
RECORD_FUNCTIONAL_SKILLS = "programmes.record_functional_skills"
TABS = ("programme", "course", "certification", "evidence")
OTJ_PER_PAGE = 25
EVIDENCE_LIMIT = 200


def _enrolment_or_404(learner: User) -> Enrolment:
    enrolment = learner.enrolments.for_learning_plan()
    if enrolment is None:
        raise Http404("The learner has no current programme.")
    return enrolment


def _read_only(request: HttpRequest, learner: User, enrolment: Enrolment) -> HttpResponse | None:
    """The page saying the plan cannot change now, or None when it can."""
    if not enrolment.plan_is_read_only:
        return None
    context = {"subject": learner, "enrolment": enrolment}
    status = 409 if request.method == "POST" else 200
    return render(request, "programmes/learning/plan_read_only.html", context, status=status)


def _editable_plan(request: HttpRequest, pk: int) -> tuple[User, Enrolment, HttpResponse | None]:
    """The learner and current enrolment of a plan page that changes the plan (404 outside the
    viewer's groups or without one, 403 without the permission), and the read-only page to show
    instead while the plan cannot change (None when it can)."""
    learner = get_learner_for(request, pk)
    require_permission(request, EDIT_PLAN)
    enrolment = _enrolment_or_404(learner)
    return learner, enrolment, _read_only(request, learner, enrolment)


def _plan_url(learner: User, tab: str) -> str:
    return f"{reverse('learning:plan_overview', args=[learner.pk])}?tab={tab}"


# --- Learning plan overview ---------------------------------------------------------------


@require_GET
def plan_overview(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "programme"
    enrolment = learner.enrolments.for_learning_plan()
    context = {"subject": learner, "tab": tab, "tabs": TABS, "enrolment": enrolment}
    if enrolment is not None:
        services.components_copy(enrolment=enrolment, actor=request.user)
        components = LearnerComponent.objects.filter(enrolment=enrolment)
        counts = components.aggregate(
            total=Count("pk"), completed=Count("pk", filter=Q(status="COMPLETED"))
        )
        today = timezone.localdate()
        context["progress"] = progress.plan_progress(
            enrolment, counts["completed"], counts["total"], today
        )
        context["read_only"] = enrolment.plan_is_read_only
        context["may_edit"] = request.user.has_perm(EDIT_PLAN) and not context["read_only"]
        if tab == "course":
            context["components"] = list(components.annotate(evidence_count=Count("evidence")))
        elif tab == "certification":
            context["certifications"] = list(Certification.objects.filter(enrolment=enrolment))
        elif tab == "evidence":
            context["evidence"] = list(
                EvidenceItem.objects.filter(component__enrolment=enrolment).select_related(
                    "component", "created_by", "decided_by"
                )[:EVIDENCE_LIMIT]
            )
            context["may_assess"] = request.user.has_perm(ASSESS)
            context["evidence_limit"] = EVIDENCE_LIMIT
    return render(request, "programmes/learning/plan_overview.html", context)


@require_http_methods(["GET", "POST"])
def plan_component_edit(request: HttpRequest, pk: int, component_pk: int | None = None):
    learner, enrolment, locked = _editable_plan(request, pk)
    if locked:
        return locked
    component = _plan_record(
        LearnerComponent.objects.filter(enrolment=enrolment), component_pk, learner, enrolment
    )
    form = ComponentForm(request.POST or None, instance=component, enrolment=enrolment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = _save_plan_record(
            request,
            form,
            partial(services.component_create, learner=learner, enrolment=enrolment),
            partial(services.component_update, component=component),
            "component",
            enrolment,
        )
        if saved.ok:
            verb = "changed" if component_pk else "added"
            messages.success(
                request, f"The component {saved.result.code} was {verb} for {learner.full_name}."
            )
            return redirect(_plan_url(learner, "course"))
        form, conflict = saved.form, saved.conflict
    context = {
        "form": form,
        "subject": learner,
        "component": component if component_pk else None,
        "conflict": conflict,
    }
    status = conflict_status(conflict)
    return render(request, "programmes/learning/plan_component_form.html", context, status=status)


def _plan_record(queryset, record_pk: int | None, learner: User, enrolment: Enrolment):
    """The plan record ``record_pk`` of ``queryset`` (404 if not there), or a new one of the
    learner's current enrolment when there is no ``record_pk``."""
    if record_pk:
        return get_object_or_404(queryset, pk=record_pk)
    return queryset.model(learner=learner, enrolment=enrolment)


def _save_plan_record(
    request: HttpRequest, form, create: Callable, update: Callable, what: str, enrolment: Enrolment
) -> Saved:
    """Save a plan record's form unless stale: ``create`` for a new record, else ``update``
    based on the version the form was opened on; the form's model fields as data."""
    data = {name: form.cleaned_data[name] for name in form._meta.fields}
    if form.instance.pk is None:
        save = partial(create, data=data)
    else:
        save = partial(update, data=data, based_on_version=form.based_on_version())
    return save_unless_stale(form, lambda: save(actor=request.user), what, enrolment=enrolment)


@require_http_methods(["GET", "POST"])
def plan_component_remove(request: HttpRequest, pk: int, component_pk: int) -> HttpResponse:
    learner, enrolment, locked = _editable_plan(request, pk)
    if locked:
        return locked
    component = get_object_or_404(
        LearnerComponent.objects.filter(enrolment=enrolment), pk=component_pk
    )
    error = conflict = None
    form = VersionForm(request.POST or None, version=component.version)
    if request.method == "POST":
        try:
            saved = update_unless_stale(
                request, form, partial(services.component_remove, component=component), "component"
            )
        except services.ComponentInUse as exc:
            error = str(exc)
        else:
            if saved.ok:
                messages.success(
                    request, f"The component {component.code} was removed for {learner.full_name}."
                )
                return redirect(_plan_url(learner, "course"))
            form, conflict, component = saved.form, saved.conflict, saved.conflict.record
    context = {
        "subject": learner,
        "component": component,
        "error": error,
        "conflict": conflict,
        "form": form,
    }
    status = CONFLICT_STATUS if error or conflict else 200
    return render(request, "programmes/learning/plan_component_remove.html", context, status=status)


@require_http_methods(["GET", "POST"])
def plan_certification_edit(request: HttpRequest, pk: int, certification_pk: int | None = None):
    learner, enrolment, locked = _editable_plan(request, pk)
    if locked:
        return locked
    certification = _plan_record(
        enrolment.certifications.all(), certification_pk, learner, enrolment
    )
    form = CertificationForm(request.POST or None, instance=certification, enrolment=enrolment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = _save_plan_record(
            request,
            form,
            partial(services.certification_create, learner=learner, enrolment=enrolment),
            partial(services.certification_update, certification=certification),
            "certification",
            enrolment,
        )
        if saved.ok:
            messages.success(request, f"{saved.result.title} was saved for {learner.full_name}.")
            return redirect(_plan_url(learner, "certification"))
        form, conflict = saved.form, saved.conflict
    context = {
        "form": form,
        "subject": learner,
        "certification": certification,
        "conflict": conflict,
    }
    status = conflict_status(conflict)
    return render(
        request, "programmes/learning/plan_certification_form.html", context, status=status
    )


@require_http_methods(["GET", "POST"])
def plan_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner, enrolment, locked = _editable_plan(request, pk)
    if locked:
        return locked
    item = EvidenceItem(learner=learner)
    form = EvidenceForm(
        request.POST or None, request.FILES or None, instance=item, enrolment=enrolment
    )
    if request.method == "POST" and form.is_valid():
        services.evidence_add(
            item=form.save(commit=False),
            upload=form.cleaned_data.get("upload"),
            checked=form.checked,
            actor=request.user,
        )
        messages.success(request, f"The evidence was added for {learner.full_name}.")
        return redirect(_plan_url(learner, "evidence"))
    return render(
        request, "programmes/learning/plan_evidence_form.html", {"form": form, "subject": learner}
    )


@require_http_methods(["GET", "POST"])
def plan_evidence_decide(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, ASSESS)
    item = get_object_or_404(learner.evidence_items.select_related("component"), pk=evidence_pk)
    form = EvidenceDecisionForm(request.POST or None, version=item.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = update_unless_stale(
            request,
            form,
            partial(
                services.evidence_decide,
                item=item,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            ),
            "evidence",
        )
        if saved.ok:
            decision = saved.result.get_decision_display()
            messages.success(request, f"The evidence is now {decision}.")
            return redirect(_plan_url(learner, "evidence"))
        form, conflict = saved.form, saved.conflict
        item = EvidenceItem.objects.select_related("component").get(pk=item.pk)
    context = {"form": form, "subject": learner, "item": item, "conflict": conflict}
    status = conflict_status(conflict)
    return render(request, "programmes/learning/plan_evidence_decide.html", context, status=status)


@require_GET
def plan_evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    learner = get_learner_for(request, pk)
    item = get_object_or_404(learner.evidence_items.exclude(file=""), pk=evidence_pk)
    return serve_download(item, item.file, item.original_name, item.content_type, request.user)


# --- Off-the-job hours ----------------------------------------------------------------------


def otj_context(enrolment: Enrolment) -> progress.OtjSummary:
    totals = OtjEntry.objects.filter(enrolment=enrolment).totals()
    return progress.otj_summary(enrolment, totals, timezone.localdate())


@require_GET
def otj_list(request: HttpRequest, pk: int) -> HttpResponse:
    return _otj_list_page(request, get_learner_for(request, pk))


def _otj_list_page(request: HttpRequest, learner: User, conflict=None) -> HttpResponse:
    """The ledger; after a refused Verify, again with what changed since (409)."""
    enrolment = learner.enrolments.for_learning_plan()
    context = {"subject": learner, "enrolment": enrolment, "conflict": conflict}
    if enrolment is not None:
        entries = enrolment.otj_entries.select_related("created_by", "verified_by")
        context["page"] = Paginator(entries, OTJ_PER_PAGE).get_page(request.GET.get("page"))
        context["otj"] = otj_context(enrolment)
        context["read_only"] = enrolment.plan_is_read_only
        context["may_log"] = request.user.has_perm(EDIT_PLAN) and not context["read_only"]
        context["may_verify"] = request.user.has_perm(VERIFY)
        context["may_fill_ilr"] = request.user.has_perm(MANAGE_ILRS)
    return render(
        request, "programmes/learning/otj_list.html", context, status=conflict_status(conflict)
    )


@require_http_methods(["GET", "POST"])
def otj_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner, enrolment, locked = _editable_plan(request, pk)
    if locked:
        return locked
    form = OtjEntryForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        entry = services.otj_log(
            learner=learner, enrolment=enrolment, data=form.cleaned_data, actor=request.user
        )
        messages.success(request, f"{entry.hours} off-the-job hours were logged.")
        return redirect("learning:otj_list", pk=learner.pk)
    return render(request, "programmes/learning/otj_form.html", {"form": form, "subject": learner})


@require_http_methods(["GET", "POST"])
def otj_edit(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, EDIT_PLAN)
    entry = get_object_or_404(learner.otj_entries.select_related("enrolment"), pk=entry_pk)
    if locked := _read_only(request, learner, entry.enrolment):
        return locked
    form = OtjEntryForm(request.POST or None, instance=entry, enrolment=entry.enrolment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = update_unless_stale(
            request,
            form,
            partial(services.otj_update, entry=entry, data=form.cleaned_data),
            "entry",
            enrolment=entry.enrolment,
        )
        if saved.ok:
            messages.success(request, "Your changes to the off-the-job entry were saved.")
            return redirect("learning:otj_list", pk=learner.pk)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": learner, "entry": entry, "conflict": conflict}
    return render(
        request, "programmes/learning/otj_form.html", context, status=conflict_status(conflict)
    )


@require_POST
def otj_verify(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, VERIFY)
    entry = get_object_or_404(learner.otj_entries.all(), pk=entry_pk)
    verify = partial(services.otj_verify, entry=entry)
    saved = act_on_posted_version(request, verify, f"entry of {entry.date:%d/%m/%Y}")
    if not saved.ok:
        return _otj_list_page(request, learner, conflict=saved.conflict)
    messages.success(request, f"The entry of {entry.date:%d/%m/%Y} ({entry.hours} h) is verified.")
    return redirect("learning:otj_list", pk=learner.pk)


@require_http_methods(["GET", "POST"])
def otj_fill_ilr(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, MANAGE_ILRS)
    enrolment = _enrolment_or_404(learner)
    context: dict = {"subject": learner, "enrolment": enrolment}
    try:
        plan = services.ilr_fill_plan(enrolment=enrolment, viewer=request.user)
    except services.IlrFillRefused as exc:
        # Looking is fine (200); trying to change is a conflict (409).
        context["refused"] = str(exc)
        status = 409 if request.method == "POST" else 200
        return render(request, "programmes/learning/otj_fill_ilr.html", context, status=status)
    form = IlrFillForm(request.POST or None, version=plan.ilr.version)
    if request.method == "POST" and form.is_valid():
        try:
            saved = update_unless_stale(
                request, form, partial(services.ilr_fill_otj, enrolment=enrolment), "ILR"
            )
        except services.IlrFillRefused as exc:
            context["refused"] = str(exc)
            return render(request, "programmes/learning/otj_fill_ilr.html", context, status=409)
        if saved.ok:
            messages.success(
                request,
                f"The ILR's PHours is now {plan.planned} and OTJActHours {plan.actual}.",
            )
            return redirect("learning:otj_list", pk=learner.pk)
        form, context["conflict"] = saved.form, saved.conflict
        plan = services.ilr_fill_plan(enrolment=enrolment, viewer=request.user)
    context.update({"plan": plan, "form": form})
    status = conflict_status(context.get("conflict"))
    return render(request, "programmes/learning/otj_fill_ilr.html", context, status=status)


# --- Onboarding wizard ----------------------------------------------------------------------

STEP_FORMS = {
    WizardProgress.Step.INTRODUCTION: IntroductionForm,
    WizardProgress.Step.ADVICE: AdviceForm,
    WizardProgress.Step.ASSESSMENTS: AssessmentsForm,
    WizardProgress.Step.PERSONAL: PersonalForm,
}
STEPS = list(WizardProgress.Step)


@require_GET
def wizard_overview(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    rows = WizardProgress.objects.status_for(learner, viewer=request.user)
    context = {
        "subject": learner,
        "rows": rows,
        "next": next((r for r in rows if r["is_next"]), None),
        "may_edit": request.user.has_perm(EDIT_PLAN),
    }
    return render(request, "programmes/learning/wizard_overview.html", context)


@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, EDIT_PLAN)
    if step not in WizardProgress.Step.values:
        raise Http404("No such step.")
    if not WizardProgress.may_use(request.user, step):
        raise PermissionDenied
    if step == WizardProgress.Step.PERSONAL:
        return _wizard_personal(request, learner)
    if step == WizardProgress.Step.ASSESSMENTS:
        return _wizard_assessments(request, learner)
    record = WizardProgress.objects.filter(learner=learner, step=step).first()
    initial = {**record.data, "version": record.version} if record else {"version": 0}
    form = STEP_FORMS[step](request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        saved = save_unless_stale(
            form,
            lambda: services.wizard_save_step(
                learner=learner,
                step=step,
                data=data,
                based_on_version=form.based_on_version(),
                actor=request.user,
            ),
            "step",
            initial=form.initial,
        )
        if saved.ok:
            return _after_step(request, learner, step)
        form, conflict = saved.form, saved.conflict
    return _render_step(request, learner, step, form, conflict=conflict)


def _wizard_assessments(request: HttpRequest, learner: User) -> HttpResponse:
    # The step writes the Functional Skills section's records, so it needs that permission too.
    require_permission(request, RECORD_FUNCTIONAL_SKILLS)
    step = WizardProgress.Step.ASSESSMENTS
    form = AssessmentsForm(request.POST or None, initial=_assessments_initial(request, learner))
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = save_unless_stale(
            form,
            lambda: services.wizard_save_assessments(
                learner=learner,
                values={s: form.subject_values(key) for s, key, _ in ASSESSMENT_SUBJECTS},
                versions={
                    s: form.cleaned_data[f"{key}_version"] for s, key, _ in ASSESSMENT_SUBJECTS
                },
                based_on_version=form.based_on_version(),
                actor=request.user,
            ),
            "assessments",
            # Based on every record as it is now, so saving again is a deliberate overwrite.
            rebuild=lambda data: AssessmentsForm(
                {**data.dict(), **_assessments_versions(learner)},
                initial=_assessments_initial(request, learner),
            ),
        )
        if saved.ok:
            return _after_step(request, learner, step)
        form, conflict = saved.form, saved.conflict
    extra = {
        "records": services.wizard_assessment_records(learner),
        "functional_skills": learner.functional_skills.select_related("assessor"),
    }
    return _render_step(request, learner, step, form, conflict=conflict, extra=extra)


def _assessments_versions(learner: User) -> dict:
    """The versions the Assessments step's form carries: the step's and each subject record's."""
    record = WizardProgress.objects.filter(learner=learner, step=WizardProgress.Step.ASSESSMENTS)
    step = record.first()
    records = services.wizard_assessment_records(learner)
    versions = {"version": step.version if step else 0}
    for subject, key, _ in ASSESSMENT_SUBJECTS:
        versions[f"{key}_version"] = records[subject].version if records[subject] else 0
    return versions


def _assessments_initial(request: HttpRequest, learner: User) -> dict:
    """The step's form as the Functional Skills section holds it now: each subject's latest
    initial assessment; the date and assessor from the first of them, else the viewer."""
    records = services.wizard_assessment_records(learner)
    initial: dict = {"assessor": request.user.pk, **_assessments_versions(learner)}
    shown = [r for r in records.values() if r is not None]
    if shown:
        first = shown[0]
        initial.update(
            assessed_on=first.assessed_on,
            assessor=first.assessor_id,
            assessor_name=first.assessor_name,
        )
    for subject, key, _ in ASSESSMENT_SUBJECTS:
        if record := records[subject]:
            initial.update(
                {
                    f"{key}_level": record.level,
                    f"{key}_score": record.score,
                    f"{key}_result": record.result,
                }
            )
    return initial


def _wizard_personal(request: HttpRequest, learner: User) -> HttpResponse:
    # Writing the ILR's User tab needs the ILR permissions as well as the wizard's: wizard_step
    # has checked them (WizardProgress.may_use).
    ilr = IlrLearner.objects.filter(learner=learner, collection_year=codes.COLLECTION_YEAR).first()
    step = WizardProgress.Step.PERSONAL
    if ilr is not None and ilr.is_qa_verified and not request.user.has_perm(QA_VERIFY):
        refused = "This learner's ILR is QA verified: only someone with ILR QA can change it."
        return _render_step(request, learner, step, None, refused=refused)
    ilr = ilr or new_ilr_for(learner)
    form = PersonalForm(request.POST or None, instance=ilr)
    problem = learn_ref_problem(ilr) if ilr.pk is None else None
    conflict = None
    if request.method == "POST" and form.is_valid() and not problem:
        saved = update_unless_stale(
            request,
            form,
            partial(
                services.wizard_save_personal,
                learner=learner,
                ilr=form.instance,
                data=form.cleaned_data,
            ),
            "ILR",
        )
        if saved.ok:
            return _after_step(request, learner, step)
        form, conflict = saved.form, saved.conflict
    return _render_step(request, learner, step, form, refused=problem, ilr=ilr, conflict=conflict)


def _after_step(request: HttpRequest, learner: User, step: str) -> HttpResponse:
    label = WizardProgress.Step(step).label
    index = STEPS.index(WizardProgress.Step(step))
    later = STEPS[index + 1 :]
    # Skip the steps this viewer may not open (Personal information needs the ILR role too)
    # rather than leading them to a refusal.
    following = next((s for s in later if WizardProgress.may_use(request.user, s)), None)
    if following is not None:
        messages.success(request, f"{label} was saved. Next: {following.label}.")
        return redirect("learning:wizard_step", pk=learner.pk, step=following.value)
    if later:
        names = " and ".join(s.label for s in later)
        messages.success(
            request,
            f"{label} was saved. {names} needs the Manage ILRs role as well: someone who has "
            "it can finish the wizard.",
        )
    else:
        messages.success(request, f"{label} was saved. The onboarding wizard is complete.")
    return redirect("learning:wizard_overview", pk=learner.pk)


def _render_step(
    request, learner, step, form, refused=None, ilr=None, conflict=None, extra=None
) -> HttpResponse:
    rows = WizardProgress.objects.status_for(learner, viewer=request.user)
    index = STEPS.index(WizardProgress.Step(step))
    earlier = [s for s in STEPS[:index] if WizardProgress.may_use(request.user, s)]
    context = {
        "subject": learner,
        "rows": rows,
        "step": WizardProgress.Step(step),
        "number": index + 1,
        "count": len(STEPS),
        "previous": earlier[-1] if earlier else None,
        "form": form,
        "refused": refused,
        "ilr": ilr,
        "conflict": conflict,
        **(extra or {}),
    }
    return render(
        request,
        f"programmes/learning/wizard_{step}.html",
        context,
        status=conflict_status(conflict),
    )
