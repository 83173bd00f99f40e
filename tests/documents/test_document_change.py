"""Edit, replace the file of, and delete a learner's document; download earlier versions."""

import hashlib

import pytest
from django.contrib.auth.models import Group as Role
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from documents.models import Document, DocumentVersion
from tests.factories import AdminFactory
from tests.sample_files import image_bytes, pdf_bytes

from .conftest import EXECUTABLE, MINIMAL_PDF, add_document, stored_files

NEW_PDF = pdf_bytes(pages=2)


def page(learner, document, action):
    return f"/users/{learner.pk}/documents/{document.pk}/{action}/"


def edit_data(**fields):
    return {"description": "Payslip, May", "folder": "PROGRAMME", "version": 1, **fields}


def replace_data(name="payslip-may.pdf", content=NEW_PDF):
    return {"file": SimpleUploadedFile(name, content), "version": 1}


@pytest.fixture
def document(learner, tutor):
    return add_document(learner, tutor)


# The permission matrix of every page that changes a document.

ACTIONS = ["edit", "replace", "delete"]


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_is_redirected_to_login(client, learner, document, action):
    assert client.get(page(learner, document, action))["Location"].startswith("/login/")


@pytest.mark.parametrize("action", ACTIONS)
def test_outsider_gets_404(as_user, outsider, learner, document, action):
    assert as_user(outsider).get(page(learner, document, action)).status_code == 404
    assert as_user(outsider).post(page(learner, document, action), {}).status_code == 404


@pytest.mark.parametrize("action", ["edit", "replace"])
def test_without_edit_learner_details_gets_403(as_user, colleague, learner, document, action):
    client = as_user(colleague)
    assert client.get(page(learner, document, action)).status_code == 403
    assert client.post(page(learner, document, action), edit_data()).status_code == 403
    document.refresh_from_db()
    assert document.version == 1


def test_deleting_without_the_delete_role_gets_403(as_user, tutor, learner, document):
    client = as_user(tutor)
    assert client.get(page(learner, document, "delete")).status_code == 403
    assert client.post(page(learner, document, "delete"), {"version": 1}).status_code == 403
    document.refresh_from_db()
    assert document.deleted_at is None


def test_another_learners_document_is_404(as_user, tutor, learner, document, tree):
    from tests.factories import UserFactory

    other = UserFactory(groups=[tree["cohort"]])
    assert as_user(tutor).get(page(other, document, "edit")).status_code == 404


# Edit


def test_edit_saves_description_folder_and_visibility_with_an_audit_entry(
    as_user, tutor, learner, document
):
    response = as_user(tutor).post(
        page(learner, document, "edit"), edit_data(visible_to_learner="on")
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert (document.description, document.folder) == ("Payslip, May", "PROGRAMME")
    assert document.visible_to_learner
    assert document.version == 2
    entry = AuditEntry.objects.get_for_object(document).filter(action=1).get()
    assert entry.actor == tutor
    assert entry.changes_dict["description"] == ["Payslip", "Payslip, May"]


def test_edit_with_bad_input_saves_nothing(as_user, tutor, learner, document):
    response = as_user(tutor).post(
        page(learner, document, "edit"), edit_data(description="", folder="NOPE")
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    document.refresh_from_db()
    assert (document.description, document.version) == ("Payslip", 1)


# Replace


def test_replace_keeps_the_old_file_downloadable(as_user, tutor, colleague, learner, document):
    old_hash, old_name = document.sha256, document.file.name
    response = as_user(tutor).post(page(learner, document, "replace"), replace_data())
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.original_name == "payslip-may.pdf"
    assert document.sha256 == hashlib.sha256(NEW_PDF).hexdigest()
    assert document.version == 2
    version = document.versions.get()
    assert (version.sha256, version.file.name, version.original_name) == (
        old_hash,
        old_name,
        "payslip.pdf",
    )
    assert version.replaced_by == tutor
    # Any administrator who sees the learner downloads both files; each download is logged.
    client = as_user(colleague)
    current = client.get(f"/users/{learner.pk}/documents/{document.pk}/download/")
    assert b"".join(current.streaming_content) == NEW_PDF
    earlier = client.get(
        f"/users/{learner.pk}/documents/{document.pk}/versions/{version.pk}/download/"
    )
    assert earlier.status_code == 200
    assert b"".join(earlier.streaming_content) == MINIMAL_PDF
    assert 'filename="payslip.pdf"' in earlier["Content-Disposition"]
    assert AuditEntry.objects.get_for_object(version).filter(action=AuditEntry.Action.ACCESS)
    # The edit page lists the earlier version.
    body = as_user(tutor).get(page(learner, document, "edit")).content.decode()
    assert f"/versions/{version.pk}/download/" in body


def test_replace_writes_audit_entries_naming_the_new_hash(as_user, tutor, learner, document):
    as_user(tutor).post(page(learner, document, "replace"), replace_data())
    update = AuditEntry.objects.get_for_object(document).filter(action=1).get()
    assert update.actor == tutor
    assert "sha256" in update.changes_dict
    assert AuditEntry.objects.get_for_object(document.versions.get()).filter(action=0).exists()


def test_replace_with_a_bad_file_stores_nothing(as_user, tutor, learner, document, media):
    before = stored_files(media)
    response = as_user(tutor).post(
        page(learner, document, "replace"), replace_data("x.pdf", EXECUTABLE)
    )
    assert response.status_code == 200
    assert "The file&#x27;s content is not a .pdf file." in response.content.decode()
    assert stored_files(media) == before
    assert not DocumentVersion.objects.exists()


def test_a_mandate_is_replaced_within_the_mandate_types(as_user, tutor, learner, media):
    from aptem.uploads import MANDATE
    from documents import services

    upload = SimpleUploadedFile("m.pdf", MINIMAL_PDF)
    mandate = services.document_upload(
        learner=learner, upload=upload, checked=MANDATE.check(upload), kind="MANDATE", actor=tutor
    )
    assert mandate.folder == Document.Folder.PROGRAMME
    png = replace_data("scan.png", image_bytes("PNG"))
    response = as_user(tutor).post(page(learner, mandate, "replace"), png)
    assert "Upload a file of one of these types" in response.content.decode()


# Delete


def test_delete_with_the_role_keeps_the_row_its_hash_and_its_audit_entries(
    as_user, tree, learner, document, media
):
    deleter = AdminFactory(
        groups=[tree["north"]], roles=["Standard administrator", "Delete User Documents"]
    )
    assert deleter.has_perm("documents.delete_user_documents")
    created = AuditEntry.objects.get_for_object(document).count()
    client = as_user(deleter)
    assert client.get(page(learner, document, "delete")).status_code == 200
    response = client.post(page(learner, document, "delete"), {"version": 1})
    assert response.status_code == 302
    document = Document.objects.get(pk=document.pk)
    assert document.deleted_at is not None
    assert document.deleted_by == deleter
    assert document.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert len(stored_files(media)) == 1
    entries = AuditEntry.objects.get_for_object(document)
    assert entries.count() == created + 1
    assert "deleted_at" in entries.filter(action=1).get().changes_dict
    # Gone from the list and from downloads.
    assert not Document.objects.live().exists()
    download = f"/users/{learner.pk}/documents/{document.pk}/download/"
    assert client.get(download).status_code == 404
    assert client.get(page(learner, document, "edit")).status_code == 403  # no edit role
    assert client.post(page(learner, document, "delete"), {"version": 2}).status_code == 404


def test_the_supervisor_role_holds_the_delete_permission(db):
    for name in ("Supervisor", "Delete User Documents"):
        role = Role.objects.get(name=name)
        assert role.permissions.filter(codename="delete_user_documents").exists(), name


def test_every_viewer_in_scope_reaches_the_earlier_versions(
    as_user, tutor, colleague, outsider, learner, document, client
):
    as_user(tutor).post(page(learner, document, "replace"), replace_data())
    version = document.versions.get()
    versions = f"/users/{learner.pk}/documents/{document.pk}/versions/"
    client.logout()
    assert client.get(versions)["Location"].startswith("/login/")
    body = as_user(colleague).get(versions).content.decode()
    assert f"/versions/{version.pk}/download/" in body
    assert "payslip-may.pdf" in body
    listing = as_user(colleague).get(f"/users/{learner.pk}/documents/").content.decode()
    assert f'href="{versions}">Earlier' in listing
    assert as_user(outsider).get(versions).status_code == 404
