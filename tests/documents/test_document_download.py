from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from documents.models import Document
from tests.factories import UserFactory

from .conftest import MINIMAL_PDF


def url(learner, document):
    return f"/users/{learner.pk}/documents/{document.pk}/download/"


def _upload(client, learner, name="Signed mandate.pdf") -> Document:
    response = client.post(
        f"/users/{learner.pk}/mandate/upload/", {"file": SimpleUploadedFile(name, MINIMAL_PDF)}
    )
    assert response.status_code == 302
    return Document.objects.latest("pk")


def test_anonymous_is_redirected_to_login(client, as_user, tutor, learner):
    document = _upload(as_user(tutor), learner)
    client.logout()
    assert client.get(url(learner, document))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, tutor, outsider, learner):
    document = _upload(as_user(tutor), learner)
    assert as_user(outsider).get(url(learner, document)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_without_portal_access_gets_403(as_user, tutor, learner):
    document = _upload(as_user(tutor), learner)
    assert as_user(learner).get(url(learner, document)).status_code == 403


def test_a_document_is_reached_only_through_its_own_learner(as_user, tutor, learner, tree):
    document = _upload(as_user(tutor), learner)
    other = UserFactory(groups=[tree["cohort"]])
    assert as_user(tutor).get(url(other, document)).status_code == 404


def test_returns_the_file_as_an_attachment_and_logs_the_access(as_user, colleague, tutor, learner):
    document = _upload(as_user(tutor), learner)
    response = as_user(colleague).get(url(learner, document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Signed mandate.pdf"'
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert (entry.learner, entry.actor, entry.object_id) == (learner, colleague, document.pk)
    assert "Signed mandate.pdf" in str(entry.changes)


def test_a_missing_stored_file_is_a_404_not_a_500(as_user, tutor, learner):
    document = _upload(as_user(tutor), learner)
    document.file.storage.delete(document.file.name)
    assert as_user(tutor).get(url(learner, document)).status_code == 404
