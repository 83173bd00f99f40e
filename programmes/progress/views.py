"""Milestones, course progress and functional skills pages of a learner (DESIGN.md §5, §10):
the access helper (404 outside the viewer's groups), the permission (403), the form, the
audited service, then back to the profile with a message."""

from functools import partial

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.pagination import query_without_page
from aptem.permissions import require_permission
from aptem.versioning import (
    VersionForm,
    conflict_status,
    update_unless_stale,
)
from audit.downloads import serve_download
from audit.models import AuditEntry
from audit.trail import present
from users.access import get_learner_for
from users.models import User

from . import services
from .filters import MilestoneFilter
from .forms import CourseProgressForm, CourseStartForm, FunctionalSkillForm, MilestoneForm
from .models import Milestone
from .sections import (
    EDIT_MILESTONES,
    RECORD_COURSES,
    RECORD_FUNCTIONAL_SKILLS,
    subjects_with_assessments,
)

PER_PAGE = 25


def _posted(request: HttpRequest) -> tuple:
    """The form data and files of a POST, even an empty one (which must show "required"
    errors rather than a blank form), or None for a GET."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _profile(learner: User, anchor: str) -> HttpResponse:
    return redirect(f"{learner.get_absolute_url()}#{anchor}")


def _history(record, viewer: User) -> list:
    """The record's own audit entries, newest first, as field old → new rows."""
    entries = (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )
    return present(list(entries), viewer)


def _data(form) -> dict:
    """The record's fields from a valid form: not the version it was opened on, nor an
    uploaded file (the services store that themselves)."""
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version", "evidence_upload")}


# Milestones


@require_GET
def milestone_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    milestones = learner.milestones.select_related("enrolment__programme")
    milestone_filter = MilestoneFilter(request.GET, queryset=milestones)
    context = {
        "filter": milestone_filter,
        "query": query_without_page(request),
        "may_edit_milestones": request.user.has_perm(EDIT_MILESTONES),
    }
    return _list_page(request, learner, milestone_filter.qs, "milestone_list.html", context)


def _list_page(
    request: HttpRequest, learner: User, rows, template: str, context: dict
) -> HttpResponse:
    """A page of ``rows`` on one of the learner's list pages (``template`` in this app's
    templates), with the rest of its ``context``."""
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, template, learner, page=page, **context)


def _page(request: HttpRequest, template: str, learner: User, **context) -> HttpResponse:
    """``template`` (in this app's templates) about ``learner``; a page showing a refused
    stale save (``conflict``) answers 409."""
    status = conflict_status(context.get("conflict"))
    return render(
        request, f"programmes/progress/{template}", {"subject": learner, **context}, status=status
    )


@require_http_methods(["GET", "POST"])
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, EDIT_MILESTONES)
    form = MilestoneForm(_posted(request)[0], learner=learner)
    if request.method == "POST" and form.is_valid():
        milestone = services.milestone_create(learner=learner, data=_data(form), actor=request.user)
        messages.success(request, f"The milestone “{milestone.description}” was added.")
        return _profile(learner, "milestones")
    return _page(request, "milestone_form.html", learner, form=form)


def _milestone_for(request: HttpRequest, pk: int, milestone_pk: int) -> tuple[User, Milestone]:
    learner = get_learner_for(request, pk)
    queryset = learner.milestones.select_related("enrolment__programme", "created_by")
    return learner, get_object_or_404(queryset, pk=milestone_pk)


@require_GET
def milestone_detail(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    learner, milestone = _milestone_for(request, pk, milestone_pk)
    return _page(
        request,
        "milestone_detail.html",
        learner,
        milestone=milestone,
        history=_history(milestone, request.user),
        may_edit_milestones=request.user.has_perm(EDIT_MILESTONES),
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    learner, milestone = _milestone_for(request, pk, milestone_pk)
    require_permission(request, EDIT_MILESTONES)
    form = MilestoneForm(_posted(request)[0], instance=milestone, learner=learner)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(services.milestone_update, milestone=milestone, data=_data(form))
        saved = update_unless_stale(request, form, update, "milestone", learner=learner)
        if saved.ok:
            messages.success(request, f"Your changes to {milestone.description} were saved.")
            return _profile(learner, "milestones")
        form, conflict = saved.form, saved.conflict
    history = _history(milestone, request.user)
    context = {"form": form, "milestone": milestone, "conflict": conflict, "history": history}
    return _page(request, "milestone_form.html", learner, **context)


@require_http_methods(["GET", "POST"])
def milestone_delete(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    learner, milestone = _milestone_for(request, pk, milestone_pk)
    require_permission(request, EDIT_MILESTONES)
    form = VersionForm(request.POST or None, version=milestone.version)
    conflict = None
    if request.method == "POST":
        description = milestone.description
        saved = update_unless_stale(
            request, form, partial(services.milestone_delete, milestone=milestone), "milestone"
        )
        if saved.ok:
            messages.success(request, f"The milestone “{description}” was deleted.")
            return _profile(learner, "milestones")
        form, conflict, milestone = saved.form, saved.conflict, saved.conflict.record
    context = {"milestone": milestone, "form": form, "conflict": conflict}
    return _page(request, "milestone_delete.html", learner, **context)


# Course progress


@require_GET
def course_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    courses = learner.learner_courses.select_related("course")
    context = {"query": "", "may_record_courses": request.user.has_perm(RECORD_COURSES)}
    return _list_page(request, learner, courses, "course_list.html", context)


@require_http_methods(["GET", "POST"])
def course_start(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, RECORD_COURSES)
    form = CourseStartForm(_posted(request)[0], learner=learner)
    if request.method == "POST" and form.is_valid():
        course = form.cleaned_data["course"]
        try:
            services.course_start(
                learner=learner,
                course=course,
                started_on=form.cleaned_data["started_on"],
                actor=request.user,
            )
        except services.AlreadyOnCourse:
            form.add_error("course", f"{learner.full_name} was put on {course.name} a moment ago.")
        else:
            messages.success(request, f"{learner.full_name} has started {course.name}.")
            return _profile(learner, "courses")
    return _page(request, "course_start.html", learner, form=form)


@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int, course_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, RECORD_COURSES)
    record = get_object_or_404(learner.learner_courses.select_related("course"), pk=course_pk)
    form = CourseProgressForm(_posted(request)[0], instance=record)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(services.course_update, record=record, data=_data(form))
        saved = update_unless_stale(request, form, update, "course progress")
        if saved.ok:
            messages.success(request, f"{record.course.name}: progress saved.")
            return _profile(learner, "courses")
        form, conflict = saved.form, saved.conflict
    return _page(request, "course_form.html", learner, form=form, record=record, conflict=conflict)


# Functional skills


@require_GET
def functional_skill_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    assessments = learner.functional_skills.select_related("assessor").order_by(
        "subject", "-assessed_on", "-pk"
    )
    subjects = subjects_with_assessments(assessments)
    context = {
        "subjects": subjects,
        "assessment_count": sum(group["count"] for group in subjects),
        "may_record_functional_skills": request.user.has_perm(RECORD_FUNCTIONAL_SKILLS),
    }
    return _page(request, "functional_skill_list.html", learner, **context)


@require_http_methods(["GET", "POST"])
def functional_skill_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, RECORD_FUNCTIONAL_SKILLS)
    form = FunctionalSkillForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        assessment = services.functional_skill_create(
            learner=learner,
            data=_data(form),
            actor=request.user,
            upload=form.cleaned_data.get("evidence_upload"),
            checked=form.checked,
        )
        messages.success(request, f"{assessment} was recorded.")
        return _profile(learner, "functional-skills")
    return _page(request, "functional_skill_form.html", learner, form=form)


@require_http_methods(["GET", "POST"])
def functional_skill_edit(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    require_permission(request, RECORD_FUNCTIONAL_SKILLS)
    assessment = get_object_or_404(learner.functional_skills.all(), pk=assessment_pk)
    form = FunctionalSkillForm(*_posted(request), instance=assessment)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            services.functional_skill_update,
            assessment=assessment,
            data=_data(form),
            upload=form.cleaned_data.get("evidence_upload"),
            checked=form.checked,
        )
        saved = update_unless_stale(request, form, update, "assessment")
        if saved.ok:
            messages.success(request, "Your changes to the assessment were saved.")
            return _profile(learner, "functional-skills")
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "assessment": assessment, "conflict": conflict}
    return _page(request, "functional_skill_form.html", learner, **context)


@require_GET
def functional_skill_evidence(request: HttpRequest, pk: int, assessment_pk: int) -> FileResponse:
    learner = get_learner_for(request, pk)
    assessment = get_object_or_404(learner.functional_skills.all(), pk=assessment_pk)
    if not assessment.evidence_file:
        raise Http404("This assessment has no evidence document.")
    return serve_download(
        assessment,
        assessment.evidence_file,
        assessment.evidence_name,
        assessment.evidence_content_type,
        request.user,
    )
