from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from aptem.dialogs import back_to_page
from aptem.versioning import conflict_status, update_unless_stale
from users.access import get_learner_for, may_edit
from users.models import User

from . import services
from .forms import ContactForm, NoteForm
from .sections import linked_people, listed_contacts

NOTES_PER_PAGE = 25
CONTACTS_PER_PAGE = 25


@require_GET
def note_list(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    notes = learner.notes.select_related("created_by")
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(note, note.may_be_edited_by(request.user)) for note in page.object_list]
    context = {"subject": learner, "page": page, "rows": rows, "query": ""}
    return render(request, "crm/note_list.html", context)


@require_http_methods(["GET", "POST"])
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    # Any administrator who can reach the learner may record an interaction with them.
    learner = get_learner_for(request, pk)
    form = NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.note_create(learner=learner, text=form.cleaned_data["text"], actor=request.user)
        messages.success(request, f"Your note on {learner.full_name} was saved.")
        return _back_to_profile(request, learner, "notes")
    return _render_note_form(request, {"form": form, "subject": learner})


@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    note = get_object_or_404(learner.notes.select_related("created_by"), pk=note_pk)
    if not note.may_be_edited_by(request.user):
        raise PermissionDenied
    form = NoteForm(request.POST or None, instance=note)
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved = update_unless_stale(
            request,
            form,
            partial(services.note_update, note=note, text=form.cleaned_data["text"]),
            "note",
        )
        if saved.ok:
            messages.success(request, "Your changes to the note were saved.")
            return _back_to_profile(request, learner, "notes")
        form, conflict = saved.form, saved.conflict
    context = {"form": form, "subject": learner, "note": note, "conflict": conflict}
    return _render_note_form(request, context)


def _render_note_form(request: HttpRequest, context: dict) -> HttpResponse:
    """The whole page, or just the form when htmx opened it inside the profile's section."""
    status = conflict_status(context.get("conflict"))
    if request.htmx:
        context["form"].fields["text"].widget.attrs["autofocus"] = True
        return render(request, "crm/note_form.html#form", context, status=status)
    return render(request, "crm/note_form.html", context, status=status)


def _back_to_profile(request: HttpRequest, learner: User, anchor: str) -> HttpResponse:
    return back_to_page(request, learner.get_absolute_url(), anchor)


@require_GET
def contact_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Every contact of the learner; the profile's Contacts section shows the first few."""
    learner = get_learner_for(request, pk)
    visible = User.objects.visible_to(request.user)
    page = Paginator(listed_contacts(learner, visible), CONTACTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "subject": learner,
        "page": page,
        "query": "",
        # The people the learner's details name head the list, as on the profile.
        "linked": linked_people(learner, visible) if page.number == 1 else [],
        "may_edit_contacts": may_edit(request.user, learner),
    }
    return render(request, "crm/contact_list.html", context)


@require_http_methods(["GET", "POST"])
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    # The kind comes first: ?kind= (from the kind buttons, with or without htmx) picks the fields.
    form = ContactForm(
        request.POST or None, initial={"kind": request.GET.get("kind")}, learner=learner
    )
    if request.method == "POST" and form.is_valid():
        try:
            link = services.contact_add(learner=learner, form=form, actor=request.user)
        except IntegrityError:
            # Someone linked the same person in the same role between the check and the save.
            form.add_error(None, "This contact was linked to the learner a moment ago.")
        else:
            messages.success(request, f"{link.name} was added to {learner.full_name}'s contacts.")
            return redirect(f"{learner.get_absolute_url()}#contacts")
    template = "crm/contact_form.html"
    if request.htmx and request.method == "GET":
        template += "#fields"
    return render(request, template, {"form": form, "subject": learner})


@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    learner = get_learner_for(request, pk)
    if not may_edit(request.user, learner):
        raise PermissionDenied
    link = get_object_or_404(
        learner.learner_contacts.select_related("admin", "crm_contact"), pk=contact_pk
    )
    if request.method == "POST":
        name = link.name
        services.contact_remove(link=link, actor=request.user)
        messages.success(request, f"{name} is no longer one of {learner.full_name}'s contacts.")
        return redirect(f"{learner.get_absolute_url()}#contacts")
    return render(request, "crm/contact_remove.html", {"link": link, "subject": learner})
