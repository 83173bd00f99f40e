"""The one edit-conflict machinery (aptem/versioning.py, DESIGN.md §8): every versioned record
uses it, a missing or garbled version is stale rather than an error, and the changes since are
shown with field labels and sensitive values masked."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage

from aptem.versioning import (
    CONFLICT_MESSAGE,
    EditConflict,
    Versioned,
    act_unless_stale,
    save_unless_stale,
)
from audit.trail import EMPTY, MASK
from crm import services as crm_services
from crm.forms import NoteForm
from crm.models import Note

from .crm.factories import NoteFactory

APTEM = Path(__file__).resolve().parent.parent / "aptem"
ABOVE_APTEM = {"audit", "users", "portal", "programmes", "crm", "activity", "documents"}


def test_every_model_with_a_version_is_versioned():
    versioned = [
        model for model in apps.get_models() if "version" in {f.name for f in model._meta.fields}
    ]
    assert versioned, "no versioned model found"
    assert [m for m in versioned if not issubclass(m, Versioned)] == []


def test_the_machinery_imports_nothing_from_the_apps_above_it():
    tree = ast.parse((APTEM / "versioning.py").read_text())
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not imported & ABOVE_APTEM


def test_a_garbled_version_is_refused_as_stale_not_an_error(as_user, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    url = f"/users/{learner.pk}/notes/{note.pk}/edit/"
    for garbled in ("abc", "-3", "", "99999999999999999999999"):
        response = as_user(tutor).post(url, {"text": "Mine", "version": garbled})
        assert response.status_code == 409, garbled
        body = response.content.decode()
        assert "Someone else saved this note after you opened the form" in body
        assert "Hidden field" not in body
        assert 'name="version" value="1"' in body  # saving again is a deliberate overwrite
    assert Note.objects.get(pk=note.pk).text == "Original"


def test_a_missing_version_is_refused_as_stale(as_user, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    url = f"/users/{learner.pk}/notes/{note.pk}/edit/"
    assert as_user(tutor).post(url, {"text": "Mine"}).status_code == 409
    assert Note.objects.get(pk=note.pk).text == "Original"


def _user_edit(user, **overrides) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email or "",
        "groups": [g.pk for g in user.groups.all()],
        "version": user.version,
    }
    return {**data, **overrides}


def test_the_changes_since_show_field_labels_and_mask_sensitive_values(
    as_user, tutor, supervisor, learner
):
    stale = _user_edit(learner, last_name="Smythe")
    theirs = _user_edit(learner, email="new@example.com", date_of_birth="1990-05-17")
    assert as_user(supervisor).post(f"/users/{learner.pk}/edit/", theirs).status_code == 302

    # The tutor may not see sensitive data: the date of birth is named but not shown.
    response = as_user(tutor).post(f"/users/{learner.pk}/edit/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Changed since you opened this form" in body
    assert f"Date of birth: {EMPTY} → {MASK}" in body
    assert "17/05/1990" not in body
    assert "1990-05-17" not in body
    assert "new@example.com" in body


def test_a_viewer_who_may_see_sensitive_data_sees_the_values(as_user, supervisor, learner):
    stale = _user_edit(learner, last_name="Smythe")
    theirs = _user_edit(learner, date_of_birth="1990-05-17")
    client = as_user(supervisor)
    assert client.post(f"/users/{learner.pk}/edit/", theirs).status_code == 302
    body = client.post(f"/users/{learner.pk}/edit/", stale).content.decode()
    assert f"Date of birth: {EMPTY} → 17/05/1990" in body


def _note_form(note: Note, text: str, version: int) -> NoteForm:
    form = NoteForm({"text": text, "version": str(version)}, instance=note)
    assert form.is_valid()
    return form


def _save_note(form: NoteForm, note: Note, actor):
    return lambda: crm_services.note_update(
        note=note,
        text=form.cleaned_data["text"],
        actor=actor,
        based_on_version=form.based_on_version(),
    )


def test_a_save_that_is_not_stale_gives_back_the_form_and_what_was_saved(tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    form = _note_form(note, "Mine", note.version)
    saved = save_unless_stale(form, _save_note(form, note, tutor), "note")
    assert saved.ok
    assert saved.form is form
    assert saved.conflict is None
    assert saved.result.text == "Mine"
    assert Note.objects.get(pk=note.pk).text == "Mine"


def test_a_stale_save_gives_back_the_refused_form_and_the_conflict(tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    Note.objects.filter(pk=note.pk).update(text="Theirs", version=2)
    form = _note_form(note, "Mine", 1)
    saved = save_unless_stale(form, _save_note(form, note, tutor), "note")
    assert not saved.ok
    assert saved.result is None
    assert isinstance(saved.conflict, EditConflict)
    assert saved.conflict.current_version == 2
    # What was typed, now based on the current version, with the one message.
    assert saved.form is not form
    assert saved.form.data["text"] == "Mine"
    assert saved.form.based_on_version() == 2
    assert saved.form.instance.pk == note.pk
    assert CONFLICT_MESSAGE.format(what="note") in saved.form.non_field_errors()
    assert Note.objects.get(pk=note.pk).text == "Theirs"


def test_a_stale_save_rebuilds_the_form_with_the_given_arguments(tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    Note.objects.filter(pk=note.pk).update(version=2)
    form = _note_form(note, "Mine", 1)
    built = []

    def rebuild(data):
        built.append(data)
        return NoteForm(data, instance=Note.objects.get(pk=note.pk))

    saved = save_unless_stale(form, _save_note(form, note, tutor), "note", rebuild=rebuild)
    assert [data["version"] for data in built] == [2]
    assert saved.form.based_on_version() == 2


def test_other_refusals_of_the_save_are_left_to_the_view(tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor)
    form = _note_form(note, "Mine", note.version)

    def refuse():
        raise ValueError("not allowed")

    with pytest.raises(ValueError, match="not allowed"):
        save_unless_stale(form, refuse, "note")


def _request_with_messages(rf):
    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_an_action_that_is_not_stale_gives_back_what_was_saved(rf, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    form = _note_form(note, "Mine", note.version)
    request = _request_with_messages(rf)
    saved = act_unless_stale(request, _save_note(form, note, tutor), "note")
    assert saved.ok
    assert saved.form is None
    assert saved.result.text == "Mine"
    assert list(get_messages(request)) == []


def test_a_stale_action_gives_back_the_conflict_with_the_one_message(rf, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    Note.objects.filter(pk=note.pk).update(text="Theirs", version=2)
    form = _note_form(note, "Mine", 1)
    request = _request_with_messages(rf)
    saved = act_unless_stale(request, _save_note(form, note, tutor), "note")
    assert not saved.ok
    assert saved.form is None
    assert saved.result is None
    assert saved.conflict.current_version == 2
    assert [str(m) for m in get_messages(request)] == [CONFLICT_MESSAGE.format(what="note")]
    assert Note.objects.get(pk=note.pk).text == "Theirs"
