"""Upload to the Documents section: every allowed type accepted, every attack refused with
nothing stored."""

import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from documents.models import Document
from tests.sample_files import ooxml_bytes, valid_file

from .conftest import EXECUTABLE, MINIMAL_PDF, stored_files

ALLOWED = ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "jpg", "jpeg", "png"]
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def url(learner):
    return f"/users/{learner.pk}/documents/upload/"


def data(name="payslip.pdf", content=MINIMAL_PDF, **fields):
    return {
        "file": SimpleUploadedFile(name, content),
        "description": "Payslip",
        "folder": "OWN",
        **fields,
    }


def entries(learner):
    return AuditEntry.objects.filter(
        learner=learner, content_type=ContentType.objects.get_for_model(Document)
    )


def _macro_docx() -> bytes:
    buffer = io.BytesIO(ooxml_bytes("docx"))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("word/vbaProject.bin", b"\0" * 64)
    return buffer.getvalue()


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, media):
    assert as_user(outsider).post(url(learner), data()).status_code == 404
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_without_edit_learner_details_gets_403(as_user, colleague, learner, media):
    client = as_user(colleague)
    assert client.get(url(learner)).status_code == 403
    assert client.post(url(learner), data()).status_code == 403
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_the_form_lists_the_allowed_types(as_user, tutor, learner):
    body = as_user(tutor).get(url(learner)).content.decode()
    assert 'enctype="multipart/form-data"' in body
    types = ".pdf, .doc, .docx, .xls, .xlsx, .ppt, .pptx, .odt, .ods, .jpg, .jpeg, .png"
    assert f"A {types} file of up to 20.0" in body


@pytest.mark.parametrize("extension", ALLOWED)
def test_each_allowed_type_is_accepted_and_stored_with_its_hash(
    as_user, tutor, learner, media, extension
):
    content = valid_file(extension)
    response = as_user(tutor).post(
        url(learner), data(f"file.{extension}", content, visible_to_learner="on")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/documents/"
    document = Document.objects.get()
    assert document.kind == Document.Kind.DOCUMENT
    assert document.folder == Document.Folder.OWN
    assert document.visible_to_learner
    assert document.original_name == f"file.{extension}"
    assert document.created_by == tutor
    assert document.uploaded_by == tutor
    [stored] = stored_files(media)
    assert stored.read_bytes() == content
    assert stored.parent.name == "document"
    import hashlib

    assert document.sha256 == hashlib.sha256(content).hexdigest()


def test_good_upload_writes_an_audit_entry(as_user, tutor, learner):
    as_user(tutor).post(url(learner), data(folder="COMPLIANCE"), REMOTE_ADDR="203.0.113.9")
    entry = entries(learner).get()
    assert entry.actor == tutor
    assert entry.changes_dict["description"][1] == "Payslip"
    assert entry.changes_dict["folder"][1] == "COMPLIANCE"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("payslip.pdf", EXECUTABLE, "The file&#x27;s content is not a .pdf file."),
        ("payslip.pdf", HTML, "The file&#x27;s content is not a .pdf file."),
        ("payslip.pdf", b"%PDF-1.4\n" + HTML, "This file says it is a PDF but cannot be opened"),
        ("report.docx", b"not a zip at all", "The file&#x27;s content is not a .docx file."),
        ("report.docx", valid_file("odt"), "The file&#x27;s content is not a .docx file."),
        ("sheet.xlsx", valid_file("docx"), "The file&#x27;s content is not a .xlsx file."),
        ("sheet.xls", valid_file("doc"), "it is an Excel workbook but cannot be opened"),
        ("slides.ppt", valid_file("xls"), "it is a PowerPoint presentation but cannot be"),
        ("sheet.ods", valid_file("odt"), "The file&#x27;s content is not a .ods file."),
        ("photo.png", valid_file("jpg"), "The file&#x27;s content is not a .png file."),
        ("report.docx", _macro_docx(), "contains macros"),
        ("payslip.pdf.exe", EXECUTABLE, "Upload a file of one of these types: .pdf,"),
        ("payslip.exe.pdf", EXECUTABLE, "The file&#x27;s content is not a .pdf file."),
        ("page.html", HTML, "Upload a file of one of these types"),
        ("payslip", MINIMAL_PDF, "Upload a file of one of these types"),
        ("empty.pdf", b"", "The submitted file is empty."),
    ],
)
def test_refuses_bad_files_next_to_the_field_and_stores_nothing(
    as_user, tutor, learner, media, name, content, message
):
    response = as_user(tutor).post(url(learner), data(name, content))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Payslip" in body  # what was typed is kept
    assert not Document.objects.exists()
    assert stored_files(media) == []
    assert not entries(learner).exists()


def test_refuses_a_file_over_20_mb_and_stores_nothing(as_user, tutor, learner, media):
    too_big = MINIMAL_PDF + b"\0" * (20 * 1024 * 1024)
    response = as_user(tutor).post(url(learner), data("big.pdf", too_big))
    assert response.status_code == 200
    assert "the largest allowed is 20.0\xa0MB" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_description_is_required(as_user, tutor, learner, media):
    response = as_user(tutor).post(url(learner), data(description=""))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_an_unknown_folder_is_refused(as_user, tutor, learner, media):
    response = as_user(tutor).post(url(learner), data(folder="SECRET"))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert stored_files(media) == []
