from functools import partial

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from aptem.permissions import require_permission
from aptem.versioning import (
    EditConflict,
    conflict_status,
    refuse_stale,
    save_unless_stale,
    update_unless_stale,
)
from users.access import get_learner_for, require_portal_access

from . import services
from .forms import (
    ComponentFormSet,
    EnrolmentDetailsForm,
    EnrolmentForm,
    ProgrammeForm,
    StatusForm,
    StopForm,
)
from .models import Enrolment, Programme

MANAGE = "programmes.manage_programmes"
EDIT_DETAILS = "programmes.edit_programme_details"
ENROLMENTS_PER_PAGE = 25


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    programmes = Programme.objects.annotate(component_count=Count("components")).order_by("name")
    return render(request, "programmes/programme_list.html", {"programmes": programmes})


@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        form.save_parts(programme, actor=request.user)
        messages.success(request, f"The programme {programme.name} was created.")
        return redirect("programmes:list")
    return render(request, "programmes/programme_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_pk: int) -> HttpResponse:
    require_portal_access(request)
    require_permission(request, MANAGE)
    programme = get_object_or_404(Programme, pk=programme_pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    components = ComponentFormSet(request.POST or None, instance=programme, prefix="components")
    conflict = None
    # Both validated, so every wrong field is shown at once.
    if request.method == "POST" and all([form.is_valid(), components.is_valid()]):
        update = partial(
            services.programme_update,
            programme=programme,
            data=form.changed_values(),
            components=components.changes(),
        )
        saved = update_unless_stale(request, form, update, "programme")
        if saved.ok:
            form.save_parts(programme, actor=request.user)
            messages.success(request, f"Your changes to {programme.name} were saved.")
            return redirect("programmes:list")
        form, conflict = saved.form, saved.conflict
        # What was typed into the rows, shown against the components as they are now.
        components = ComponentFormSet(request.POST, instance=conflict.record, prefix="components")
    context = {"form": form, "components": components, "programme": programme, "conflict": conflict}
    return render(
        request, "programmes/programme_form.html", context, status=conflict_status(conflict)
    )


@require_GET
def enrolment_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every programme the learner has been on; the profile's Programme section shows the
    current ones and the latest few."""
    learner = get_learner_for(request, pk)
    enrolments = learner.enrolments.select_related("programme")
    page = Paginator(enrolments, ENROLMENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "subject": learner,
        "page": page,
        "query": "",
        "may_enrol": request.user.has_perm(EDIT_DETAILS),
    }
    return render(request, "programmes/enrolment_list.html", context)


@require_http_methods(["GET", "POST"])
def enrolment_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, EDIT_DETAILS)
    form = EnrolmentForm(request.POST or None, learner=learner)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_create(
                learner=learner,
                programme=form.cleaned_data["programme"],
                data=form.cleaned_data,
                actor=request.user,
            )
        except services.AlreadyEnrolled as exc:
            # Someone enrolled the learner between the form's check and this save.
            form.add_error("programme", form.already_enrolled_message(exc.existing))
            return render(
                request, "programmes/enrolment_form.html", {"form": form, "subject": learner}
            )
        messages.success(
            request,
            f"{learner.full_name} was enrolled on {enrolment.programme.name}. Minimum "
            f"off-the-job hours: {enrolment.minimum_otj_hours}.",
        )
        return _to_programmes(learner)
    return render(request, "programmes/enrolment_form.html", {"form": form, "subject": learner})


def _to_programmes(learner) -> HttpResponse:
    """Back to the learner's Programme section."""
    return redirect(f"{learner.get_absolute_url()}#programmes")


def _enrolment_for(request: HttpRequest, pk: int, enrolment_pk: int):
    learner = get_learner_for(request, pk)
    require_permission(request, EDIT_DETAILS)
    enrolment = get_object_or_404(learner.enrolments.select_related("programme"), pk=enrolment_pk)
    return learner, enrolment


@require_http_methods(["GET", "POST"])
def enrolment_edit(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    learner, enrolment = _enrolment_for(request, pk, enrolment_pk)
    form = EnrolmentDetailsForm(request.POST or None, instance=enrolment, learner=learner)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = save_unless_stale(
            form,
            lambda: services.enrolment_update_details(
                enrolment=enrolment,
                data=form.changed_values(),
                based_on_version=form.based_on_version(),
                actor=request.user,
            ),
            "programme",
            learner=learner,
        )
        if saved.ok:
            messages.success(request, f"Your changes to {enrolment.programme.name} were saved.")
            return _to_programmes(learner)
        form, conflict = saved.form, saved.conflict
    return _enrolment_page(request, "enrolment_edit.html", learner, enrolment, form, conflict)


@require_http_methods(["GET", "POST"])
def enrolment_status(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    learner, enrolment = _enrolment_for(request, pk, enrolment_pk)
    form = StatusForm(request.POST or None, enrolment=enrolment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_change_status(
                enrolment=enrolment,
                status=form.cleaned_data["status"],
                based_on_version=form.based_on_version(),
                actor=request.user,
            )
        except EditConflict as exc:
            conflict, enrolment = exc, exc.record
            form = refuse_stale(form, exc, "programme", enrolment=enrolment)
        else:
            label = Enrolment.Status(form.cleaned_data["status"]).label
            messages.success(request, f"{enrolment.programme.name} is now {label}.")
            return _to_programmes(learner)
    return _enrolment_page(request, "enrolment_status.html", learner, enrolment, form, conflict)


@require_http_methods(["GET", "POST"])
def enrolment_stop(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    learner, enrolment = _enrolment_for(request, pk, enrolment_pk)
    form = StopForm(request.POST or None, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            return _stop_or_progress(request, learner, enrolment, form)
        except EditConflict as exc:
            form = refuse_stale(form, exc, "programme", enrolment=exc.record)
            return _stop_page(request, learner, exc.record, form, conflict=exc)
    return _stop_page(request, learner, enrolment, form)


def _stop_or_progress(
    request: HttpRequest, learner, enrolment: Enrolment, form: StopForm
) -> HttpResponse:
    data = form.cleaned_data
    if data["action"] == StopForm.PROGRESS:
        services.enrolment_progress(
            enrolment=enrolment,
            end_date=data["end_date"],
            based_on_version=form.based_on_version(),
            actor=request.user,
        )
        messages.success(
            request,
            f"{enrolment.programme.name} has ended. Choose {learner.full_name}'s new programme.",
        )
        return redirect(reverse("programmes:enrol", args=[learner.pk]))
    services.enrolment_stop(
        enrolment=enrolment,
        end_date=data["end_date"],
        withdraw_reason=data["withdraw_reason"],
        based_on_version=form.based_on_version(),
        actor=request.user,
    )
    messages.success(request, f"{enrolment.programme.name} was stopped.")
    return _to_programmes(learner)


def _stop_page(request, learner, enrolment: Enrolment, form, conflict=None) -> HttpResponse:
    open_aims = services.open_ilr_aims(enrolment)
    return _enrolment_page(
        request,
        "enrolment_stop.html",
        learner,
        enrolment,
        form,
        conflict,
        open_aims=open_aims,
        verified_ilr=any(aim.ilr.is_qa_verified for aim in open_aims),
    )


def _enrolment_page(
    request: HttpRequest, template: str, learner, enrolment: Enrolment, form, conflict, **extra
) -> HttpResponse:
    """A page of one enrolment's form (in templates/programmes/), again with the conflict when
    a save was stale."""
    context = {"form": form, "subject": learner, "enrolment": enrolment, "conflict": conflict}
    return render(
        request, f"programmes/{template}", context | extra, status=conflict_status(conflict)
    )
