"""Review templates per programme, managed on ordinary pages (Manage Programmes) by those with
``reviews.manage_review_templates``: list, add, clone from another programme, change the
settings, and add / change / move / delete sections and questions. A template any review uses
changes only as a new version (``services._editable``), so each save may land on a new row:
the pages then carry on from the new version."""

from functools import partial

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aptem.permissions import require_permission
from aptem.versioning import (
    act_on_posted_version,
    conflict_status,
    update_unless_stale,
)
from programmes.models import Programme
from users.access import require_portal_access

from . import services
from .forms import CloneForm, QuestionForm, SectionForm, TemplateForm
from .models import Question, ReviewTemplate, TemplateSection
from .sections import MANAGE

DIRECTIONS = ("up", "down")


def _allowed(request: HttpRequest) -> None:
    require_portal_access(request)
    require_permission(request, MANAGE)


def _template(request: HttpRequest, pk: int) -> ReviewTemplate:
    """The current version of a template; an older one is not edited (404)."""
    _allowed(request)
    return get_object_or_404(
        ReviewTemplate.objects.select_related("programme"), pk=pk, is_current=True
    )


def _saved(request: HttpRequest, template: ReviewTemplate, saved: ReviewTemplate) -> HttpResponse:
    if saved.pk != template.pk:
        messages.info(
            request,
            f"Reviews already use version {template.number}, so your change made version "
            f"{saved.number}; those reviews keep the version they used.",
        )
    return redirect("reviews:template_edit", saved.pk)


@require_GET
def template_list(request: HttpRequest, programme_pk: int) -> HttpResponse:
    _allowed(request)
    programme = get_object_or_404(Programme, pk=programme_pk)
    templates = services.current_templates(programme.pk)
    context = {
        "programme": programme,
        "templates": templates,
        "clone_form": CloneForm(programme=programme),
    }
    return render(request, "reviews/template_list.html", context)


@require_http_methods(["GET", "POST"])
def template_add(request: HttpRequest, programme_pk: int) -> HttpResponse:
    _allowed(request)
    programme = get_object_or_404(Programme, pk=programme_pk)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        template = services.template_create(
            programme=programme, data=form.changed_values(), actor=request.user
        )
        messages.success(request, f"{template} was added. Now add its sections and questions.")
        return redirect("reviews:template_edit", template.pk)
    return render(request, "reviews/template_form.html", {"form": form, "programme": programme})


@require_http_methods(["GET", "POST"])
def template_clone(request: HttpRequest, programme_pk: int) -> HttpResponse:
    _allowed(request)
    programme = get_object_or_404(Programme, pk=programme_pk)
    form = CloneForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        template = services.template_clone(
            source=form.cleaned_data["source"], programme=programme, actor=request.user
        )
        messages.success(request, f"{template} was copied to {programme.name}.")
        return redirect("reviews:template_edit", template.pk)
    context = {"programme": programme, "templates": services.current_templates(programme.pk)}
    context["clone_form"] = form
    return render(
        request, "reviews/template_list.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    form = TemplateForm(request.POST or None, instance=template)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(services.template_update, template=template, data=form.changed_values())
        saved = update_unless_stale(request, form, update, "review template")
        if saved.ok:
            messages.success(request, f"Your changes to {template.name} were saved.")
            return _saved(request, template, saved.result)
        form, conflict = saved.form, saved.conflict
    return _edit_page(request, template, form, conflict)


def _edit_page(request, template, form, conflict, action_conflict=None) -> HttpResponse:
    """The template's page: its settings form, then its sections and questions with their
    buttons; shown again at 409 when a save or an action on it was refused as stale."""
    context = {
        "form": form,
        "template": template,
        "programme": template.programme,
        "sections": template.sections.prefetch_related("questions"),
        "in_use": services.template_in_use(template),
        "conflict": conflict,
        "action_conflict": action_conflict,
        "older": ReviewTemplate.objects.filter(family=template.family, is_current=False),
    }
    status = conflict_status(conflict or action_conflict)
    return render(request, "reviews/template_edit.html", context, status=status)


def _section(template: ReviewTemplate, section_pk: int) -> TemplateSection:
    return get_object_or_404(template.sections, pk=section_pk)


def _question(template: ReviewTemplate, question_pk: int) -> Question:
    return get_object_or_404(
        Question.objects.select_related("section"), pk=question_pk, section__template=template
    )


@require_http_methods(["GET", "POST"])
def section_form(request: HttpRequest, pk: int, section_pk: int | None = None) -> HttpResponse:
    template = _template(request, pk)
    section = _section(template, section_pk) if section_pk else None
    initial = {"title": section.title if section else ""}
    form = SectionForm(request.POST or None, initial=initial, version=template.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            services.section_save,
            template=template,
            section=section,
            title=form.cleaned_data["title"],
        )
        saved = update_unless_stale(
            request, form, update, "review template", version=template.version
        )
        if saved.ok:
            messages.success(request, f"The section {form.cleaned_data['title']} was saved.")
            return _saved(request, template, saved.result)
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "template": template, "section": section, "conflict": conflict}
    return render(request, "reviews/section_form.html", context, status=conflict_status(conflict))


@require_http_methods(["GET", "POST"])
def question_form(
    request: HttpRequest, pk: int, section_pk: int | None = None, question_pk: int | None = None
) -> HttpResponse:
    template = _template(request, pk)
    question = _question(template, question_pk) if question_pk else None
    section = question.section if question else _section(template, section_pk)
    initial = {}
    if question:
        initial = {
            k: getattr(question, k) for k in ("kind", "text", "help_text", "required", "options")
        }
    form = QuestionForm(request.POST or None, initial=initial, version=template.version)
    conflict = None
    if request.method == "POST" and form.is_valid():
        update = partial(
            services.question_save,
            template=template,
            section=section,
            question=question,
            data=form.values(),
        )
        saved = update_unless_stale(
            request, form, update, "review template", version=template.version
        )
        if saved.ok:
            messages.success(request, "The question was saved.")
            return _saved(request, template, saved.result)
        form, conflict = saved.form, saved.conflict
    context = {
        "form": form,
        "template": template,
        "section": section,
        "question": question,
        "conflict": conflict,
    }
    return render(request, "reviews/question_form.html", context, status=conflict_status(conflict))


def _act(request: HttpRequest, template: ReviewTemplate, update) -> HttpResponse:
    saved = act_on_posted_version(request, update, "review template")
    if not saved.ok:
        current = saved.conflict.record
        form = TemplateForm(instance=current)
        return _edit_page(request, current, form, None, action_conflict=saved.conflict)
    return _saved(request, template, saved.result)


@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int, direction: str) -> HttpResponse:
    template = _template(request, pk)
    if direction not in DIRECTIONS:
        raise Http404
    section = _section(template, section_pk)
    return _act(
        request,
        template,
        partial(services.section_move, template=template, section=section, direction=direction),
    )


@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    template = _template(request, pk)
    section = _section(template, section_pk)
    return _act(
        request, template, partial(services.section_delete, template=template, section=section)
    )


@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int, direction: str) -> HttpResponse:
    template = _template(request, pk)
    if direction not in DIRECTIONS:
        raise Http404
    question = _question(template, question_pk)
    return _act(
        request,
        template,
        partial(services.question_move, template=template, question=question, direction=direction),
    )


@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    template = _template(request, pk)
    question = _question(template, question_pk)
    return _act(
        request, template, partial(services.question_delete, template=template, question=question)
    )
