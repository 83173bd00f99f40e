"""A learner's own page, /me/, lists the documents made visible to them; they download only
their own visible, live documents."""

from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import UserFactory

from .conftest import MINIMAL_PDF, add_document


def download(document):
    return f"/me/documents/{document.pk}/download/"


def test_the_learner_sees_and_downloads_their_visible_documents(as_user, learner, tutor):
    shared = add_document(learner, tutor, description="Training plan", visible_to_learner=True)
    add_document(learner, tutor, description="Internal note")
    client = as_user(learner)
    body = client.get("/me/").content.decode()
    assert f'<a href="{download(shared)}">Training plan</a>' in body
    assert "Internal note" not in body
    response = client.get(download(shared))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    entry = AuditEntry.objects.get_for_object(shared).get(action=AuditEntry.Action.ACCESS)
    assert entry.actor == learner


def test_a_document_not_shared_deleted_or_someone_elses_is_404(as_user, learner, tutor, tree):
    hidden = add_document(learner, tutor)
    deleted = add_document(learner, tutor, visible_to_learner=True)
    deleted.deleted_at = timezone.now()
    deleted.save()
    other = UserFactory(groups=[tree["cohort"]])
    theirs = add_document(other, tutor, visible_to_learner=True)
    client = as_user(learner)
    for document in (hidden, deleted, theirs):
        assert client.get(download(document)).status_code == 404
    assert "not shared any documents" in client.get("/me/").content.decode()


def test_an_administrator_has_no_own_documents_here(as_user, tutor, learner):
    shared = add_document(learner, tutor, visible_to_learner=True)
    assert as_user(tutor).get(download(shared)).status_code == 404


def test_anonymous_is_redirected_to_login(client, learner, tutor):
    shared = add_document(learner, tutor, visible_to_learner=True)
    assert client.get(download(shared))["Location"].startswith("/login/")
