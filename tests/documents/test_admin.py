from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document
from tests.factories import AdminFactory

from .conftest import MINIMAL_PDF


def test_support_staff_see_documents_but_cannot_add_or_delete_them(client, as_user, tutor, learner):
    as_user(tutor).post(
        f"/users/{learner.pk}/mandate/upload/", {"file": SimpleUploadedFile("m.pdf", MINIMAL_PDF)}
    )
    document = Document.objects.get()
    staff = AdminFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert "m.pdf" in client.get("/admin/documents/document/").content.decode()
    change = client.get(f"/admin/documents/document/{document.pk}/change/")
    assert f"/users/{learner.pk}/documents/{document.pk}/download/" in change.content.decode()
    assert client.get("/admin/documents/document/add/").status_code == 403
    assert client.get(f"/admin/documents/document/{document.pk}/delete/").status_code == 403
