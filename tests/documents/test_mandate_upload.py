import hashlib
import io
import re
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from aptem.uploads.checks import OLE2_SIGNATURE
from audit.models import AuditEntry
from documents.forms import MandateUploadForm
from documents.models import Document
from tests.sample_files import image_bytes

from .conftest import (
    EXECUTABLE,
    MINIMAL_JPEG,
    MINIMAL_PDF,
    OLE2_DOC,
    PNG,
    make_docx,
    make_odt,
    stored_files,
)

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
JPEG_HEADER = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
TRUNCATED_JPEG = image_bytes("JPEG", size=(400, 300))[:2000]


def _zip_bomb() -> bytes:
    """A .docx of about 200 KB whose document part is 200 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as entry:
            for _ in range(200):
                entry.write(b"\0" * 1024 * 1024)
    return buffer.getvalue()


ZIP_BOMB = _zip_bomb()


def document_entries(learner):
    return AuditEntry.objects.filter(
        learner=learner, content_type=ContentType.objects.get_for_model(Document)
    )


def url(learner):
    return f"/users/{learner.pk}/mandate/upload/"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, media):
    response = as_user(outsider).post(url(learner), {"file": upload("m.pdf", MINIMAL_PDF)})
    assert response.status_code == 404
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_without_edit_learner_details_gets_403(as_user, colleague, learner, media):
    client = as_user(colleague)
    assert client.get(url(learner)).status_code == 403
    response = client.post(url(learner), {"file": upload("m.pdf", MINIMAL_PDF)})
    assert response.status_code == 403
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_the_form_posts_multipart_data(as_user, tutor, learner):
    body = as_user(tutor).get(url(learner)).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'for="id_file"' in body


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mandate.pdf", EXECUTABLE, "The file&#x27;s content is not a .pdf file."),
        ("scan.jpg", PNG, "The file&#x27;s content is not a .jpg file."),
        ("scan.jpeg", MINIMAL_PDF, "The file&#x27;s content is not a .jpeg file."),
        ("mandate.docx", MINIMAL_PDF, "The file&#x27;s content is not a .docx file."),
        ("mandate.docx", make_odt(), "The file&#x27;s content is not a .docx file."),
        ("mandate.odt", make_docx(), "The file&#x27;s content is not a .odt file."),
        ("mandate.doc", MINIMAL_PDF, "The file&#x27;s content is not a .doc file."),
        ("setup.exe", EXECUTABLE, "Upload a file of one of these types: .pdf,"),
        ("page.html", b"<html><script>alert(1)</script></html>", "Upload a file of one"),
        ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "Upload a file of one"),
        ("mandate", MINIMAL_PDF, "Upload a file of one of these types"),
        ("empty.pdf", b"", "The submitted file is empty."),
        # Right first bytes, wrong structure: each must open as what it claims.
        ("mandate.pdf", b"%PDF-1.4\n" + HTML, "This file says it is a PDF but cannot be opened"),
        ("scan.jpg", JPEG_HEADER + HTML, "This file says it is a JPEG image but cannot be"),
        ("scan.jpeg", TRUNCATED_JPEG, "This file says it is a JPEG image but cannot be"),
        ("mandate.doc", OLE2_SIGNATURE + b"\x00" * 504, "it is a Word document but cannot be"),
        ("mandate.docx", ZIP_BOMB, "This file expands to more than 100.0\xa0MB when opened"),
    ],
)
def test_refuses_bad_files_next_to_the_field_and_stores_nothing(
    as_user, tutor, learner, media, name, content, message
):
    response = as_user(tutor).post(url(learner), {"file": upload(name, content)})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'id="error_1_id_file"' in body or "invalid-feedback" in body
    assert not Document.objects.exists()
    assert stored_files(media) == []
    assert not document_entries(learner).exists()


def test_refuses_an_oversize_file(as_user, tutor, learner, media, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    response = as_user(tutor).post(url(learner), {"file": upload("big.pdf", MINIMAL_PDF)})
    assert "the largest allowed is 100\xa0bytes" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "a\\b.pdf", "bad\x00name.pdf", "x\nname.pdf", ".hidden.pdf"]
)
def test_the_form_refuses_names_with_paths_or_control_characters(name):
    file = upload("placeholder.pdf", MINIMAL_PDF)
    # SimpleUploadedFile keeps only the last path part, as Django's request parser does; set
    # the raw name to prove the form refuses it whatever way the file arrives.
    file._name = name
    form = MandateUploadForm({}, {"file": file})
    assert not form.is_valid()
    assert "file name" in form.errors["file"][0]


def test_a_path_in_an_http_upload_never_leaves_the_media_folder(as_user, tutor, learner, media):
    boundary = "BoUnDaRy"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + MINIMAL_PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = as_user(tutor).post(
        url(learner), body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 302
    document = Document.objects.get()
    # Django's parser keeps only the last part of the name; the stored name is random.
    assert document.original_name == "passwd.pdf"
    assert "passwd" not in document.file.name
    assert [p.parent.parent.parent for p in stored_files(media)] == [media]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Signed mandate.pdf", MINIMAL_PDF, "application/pdf"),
        ("scan.JPG", MINIMAL_JPEG, "image/jpeg"),
        ("scan.jpeg", MINIMAL_JPEG, "image/jpeg"),
        (
            "mandate.docx",
            make_docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("mandate.odt", make_odt(), "application/vnd.oasis.opendocument.text"),
        ("mandate.doc", OLE2_DOC, "application/msword"),
    ],
)
def test_stores_a_good_file_under_a_random_name_and_audits_it(
    as_user, tutor, learner, media, name, content, content_type
):
    response = as_user(tutor).post(url(learner), {"file": upload(name, content)})
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/"
    document = Document.objects.get()
    assert (document.learner, document.kind, document.created_by) == (learner, "MANDATE", tutor)
    assert document.original_name == name
    assert document.content_type == content_type
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    extension = name.rsplit(".", 1)[1].lower()
    assert re.fullmatch(rf"documents/mandate/[0-9a-f]{{32}}\.{extension}", document.file.name)
    [stored] = stored_files(media)
    assert stored.read_bytes() == content
    entry = document_entries(learner).get()
    assert (entry.actor, entry.object_id, entry.action) == (
        tutor,
        document.pk,
        AuditEntry.Action.CREATE,
    )


def test_the_profile_shows_the_latest_mandate_and_keeps_earlier_ones(
    as_user, tutor, learner, time_machine
):
    client = as_user(tutor)
    time_machine.move_to("2026-03-02 10:00")
    client.post(url(learner), {"file": upload("first.pdf", MINIMAL_PDF)})
    time_machine.move_to("2026-04-15 10:00")
    client.post(url(learner), {"file": upload("second.pdf", MINIMAL_PDF)})
    assert Document.objects.filter(learner=learner).count() == 2
    body = client.get(f"/users/{learner.pk}/").content.decode()
    assert "Mandate: uploaded 15/04/2026 by Tara Tutor" in body
    assert "Download second.pdf" in body
    assert "the DfE no longer requires mandates" in body
    assert url(learner) in body


def test_the_profile_hides_upload_without_permission(as_user, colleague, learner):
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert "Mandate: none uploaded" in body
    assert f"/users/{learner.pk}/mandate/prepare/" in body
    assert url(learner) not in body


def test_a_failed_save_removes_the_file_it_wrote(as_user, tutor, learner, media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Document, "save", fail)
    client = as_user(tutor)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        client.post(url(learner), {"file": upload("m.pdf", MINIMAL_PDF)})
    assert stored_files(media) == []
