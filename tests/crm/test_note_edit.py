from audit.models import AuditEntry
from crm.models import Note

from .factories import NoteFactory


def url(note):
    return f"/users/{note.learner_id}/notes/{note.pk}/edit/"


def test_anonymous_is_redirected_to_login(client, learner, tutor):
    note = NoteFactory(learner=learner, created_by=tutor)
    assert client.get(url(note))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, tutor):
    note = NoteFactory(learner=learner, created_by=tutor)
    assert as_user(outsider).get(url(note)).status_code == 404


def test_a_note_of_another_learner_is_404(as_user, tutor, learner, tree):
    other = NoteFactory(created_by=tutor)
    other.learner.groups.set([tree["cohort"]])
    response = as_user(tutor).get(f"/users/{learner.pk}/notes/{other.pk}/edit/")
    assert response.status_code == 404


def test_someone_elses_note_is_403(as_user, colleague, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    client = as_user(colleague)
    assert client.get(url(note)).status_code == 403
    assert client.post(url(note), {"text": "Changed", "version": 1}).status_code == 403
    note.refresh_from_db()
    assert note.text == "Original"


def test_the_profile_offers_edit_only_on_own_notes(as_user, colleague, tutor, learner):
    mine = NoteFactory(learner=learner, created_by=colleague)
    theirs = NoteFactory(learner=learner, created_by=tutor)
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert url(mine) in body
    assert url(theirs) not in body


def test_author_edits_their_note_and_the_change_is_audited(as_user, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    response = as_user(tutor).post(url(note), {"text": "Corrected", "version": 1})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Corrected"
    assert note.version == 2
    entry = AuditEntry.objects.filter(
        learner=learner, action=AuditEntry.Action.UPDATE, content_type__model="note"
    ).get()
    assert entry.actor == tutor
    assert entry.changes_dict["text"] == ["Original", "Corrected"]


def test_supervisor_may_edit_anyones_note(as_user, supervisor, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor)
    response = as_user(supervisor).post(url(note), {"text": "Tidied", "version": 1})
    assert response.status_code == 302
    assert Note.objects.get().text == "Tidied"


def test_empty_edit_is_refused(as_user, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    response = as_user(tutor).post(url(note), {"text": "", "version": 1})
    assert "This field is required." in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Original"


def test_stale_edit_is_refused_naming_who_changed_it(as_user, client, supervisor, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Original")
    as_user(supervisor).post(url(note), {"text": "Supervisor's text", "version": 1})
    response = as_user(tutor).post(url(note), {"text": "Tutor's text", "version": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this note" in body
    assert "Sam Supervisor" in body
    assert "Tutor&#x27;s text" in body  # what they typed is kept
    note.refresh_from_db()
    assert note.text == "Supervisor's text"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert response.context["form"]["version"].value() == 2
    assert client.post(url(note), {"text": "Tutor's text", "version": 2}).status_code == 302
    note.refresh_from_db()
    assert note.text == "Tutor's text"


def test_saving_unchanged_text_keeps_the_version(as_user, tutor, learner):
    note = NoteFactory(learner=learner, created_by=tutor, text="Same")
    assert as_user(tutor).post(url(note), {"text": "Same", "version": 1}).status_code == 302
    note.refresh_from_db()
    assert note.version == 1
