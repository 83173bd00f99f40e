import pytest

from audit.models import AuditEntry
from crm.models import Note
from users.models import User


def url(learner):
    return f"/users/{learner.pk}/notes/add/"


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).post(url(learner), {"text": "Hello"}).status_code == 404
    assert not Note.objects.exists()


def test_a_learner_cannot_use_the_portal_so_gets_403(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_notes_are_for_learners_only(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_any_administrator_who_sees_the_learner_may_add_a_note(as_user, colleague, learner):
    response = as_user(colleague).get(url(learner))
    assert response.status_code == 200
    assert 'name="text"' in response.content.decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 5001, "Ensure this value has at most 5000 characters (it has 5001)."),
    ],
)
def test_bad_note_is_refused_and_nothing_saved(as_user, tutor, learner, text, message):
    response = as_user(tutor).post(url(learner), {"text": text})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Nothing has been saved yet." in body
    assert not Note.objects.exists()


def test_note_is_saved_with_its_author_and_audited(as_user, colleague, learner):
    response = as_user(colleague).post(url(learner), {"text": "  Called about the EPA date.  "})
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/#notes"
    note = Note.objects.get()
    assert note.learner == learner
    assert note.created_by == colleague
    assert note.text == "Called about the EPA date."
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.actor == colleague
    assert entry.object_id == note.pk
    assert entry.action == AuditEntry.Action.CREATE


def test_the_new_note_shows_on_the_profile(as_user, tutor, learner):
    client = as_user(tutor)
    client.post(url(learner), {"text": "Discussed <b>progress</b>"})
    body = client.get(f"/users/{learner.pk}/").content.decode()
    assert "Discussed &lt;b&gt;progress&lt;/b&gt;" in body
    assert "Tara Tutor" in body
    assert User.objects.filter(pk=learner.pk).exists()


def test_htmx_gets_just_the_form_and_a_client_redirect_on_save(as_user, tutor, learner):
    client = as_user(tutor)
    response = client.get(url(learner), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith("<form")
    assert "autofocus" in body
    response = client.post(url(learner), {"text": ""}, headers={"HX-Request": "true"})
    assert "This field is required." in response.content.decode()
    assert "<html" not in response.content.decode()
    response = client.post(url(learner), {"text": "Via htmx"}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"/users/{learner.pk}/#notes"
    assert Note.objects.get().text == "Via htmx"


def test_htmx_save_from_the_profile_reloads_it(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner),
        {"text": "Inline"},
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver/users/{learner.pk}/"},
    )
    assert response["HX-Refresh"] == "true"
