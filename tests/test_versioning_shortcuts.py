"""The two shortcuts over save_unless_stale and act_unless_stale (aptem/versioning.py): the
service is given the version the form or page was opened on and the viewer as actor, so no
view spells those out (and gets them wrong) again."""

from functools import partial

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage

from aptem.versioning import CONFLICT_MESSAGE, act_on_posted_version, update_unless_stale
from crm import services as crm_services
from crm.forms import NoteForm
from crm.models import Note

from .crm.factories import NoteFactory


def _request(rf, user, data: dict):
    request = rf.post("/", data)
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_an_update_is_given_the_form_version_and_the_viewer(rf, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    form = NoteForm({"text": "Mine", "version": str(note.version)}, instance=note)
    assert form.is_valid()
    update = partial(crm_services.note_update, note=note, text="Mine")
    saved = update_unless_stale(_request(rf, tutor, {}), form, update, "note")
    assert saved.ok
    assert saved.result.text == "Mine"
    assert Note.objects.get(pk=note.pk).version == note.version + 1


def test_a_stale_update_comes_back_refused_with_the_conflict(rf, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    Note.objects.filter(pk=note.pk).update(text="Theirs", version=2)
    form = NoteForm({"text": "Mine", "version": "1"}, instance=note)
    assert form.is_valid()
    update = partial(crm_services.note_update, note=note, text="Mine")
    saved = update_unless_stale(_request(rf, tutor, {}), form, update, "note")
    assert not saved.ok
    assert saved.conflict.current_version == 2
    assert saved.form.based_on_version() == 2
    assert CONFLICT_MESSAGE.format(what="note") in saved.form.non_field_errors()
    assert Note.objects.get(pk=note.pk).text == "Theirs"


def test_an_action_is_given_the_posted_version_and_refused_when_stale(rf, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    Note.objects.filter(pk=note.pk).update(version=2)
    request = _request(rf, tutor, {"version": "1"})
    update = partial(crm_services.note_update, note=note, text="Mine")
    saved = act_on_posted_version(request, update, "note")
    assert not saved.ok
    assert [str(m) for m in get_messages(request)] == [CONFLICT_MESSAGE.format(what="note")]
    request = _request(rf, tutor, {"version": "2"})
    assert act_on_posted_version(request, update, "note").result.text == "Mine"
