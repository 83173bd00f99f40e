import hashlib
from pathlib import PurePosixPath

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from aptem import uploads
from audit.models import AuditEntry
from documents.models import Document
from tests import s3
from tests.sample_files import pdf_bytes

PDF = pdf_bytes()
pytestmark = pytest.mark.django_db


class SaveFailed(Exception):
    pass


@pytest.fixture(autouse=True)
def media(settings, tmp_path, s3_prefix):
    # The test's own prefix in the bucket when the tests run against S3 (tests/s3.py).
    settings.MEDIA_ROOT = tmp_path / "media"
    return PurePosixPath(s3_prefix) if s3_prefix else settings.MEDIA_ROOT


def files_in(media) -> list:
    if s3.BUCKET:
        return s3.stored_objects(media)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def checked_pdf(name: str = "Evidence 1.PDF") -> tuple[SimpleUploadedFile, uploads.CheckedFile]:
    upload = SimpleUploadedFile(name, PDF)
    return upload, uploads.PLAN_EVIDENCE.check(upload)


def test_every_purpose_allows_only_document_types_up_to_the_setting(settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1000
    for purpose in (uploads.MANDATE, uploads.PLAN_EVIDENCE, uploads.FUNCTIONAL_SKILL_EVIDENCE):
        assert purpose.listed == ".pdf, .jpg, .jpeg, .doc, .docx, .odt"
        assert purpose.max_bytes == 1000


def test_a_purpose_with_its_own_limit_refuses_a_larger_file():
    small = uploads.Purpose("test", "test", {"pdf": "application/pdf"}, limit=100)
    with pytest.raises(Exception, match="the largest allowed is 100"):
        small.check(SimpleUploadedFile("a.pdf", PDF))


def test_store_writes_under_a_random_name_in_the_purposes_folder_with_the_hash(media):
    upload, checked = checked_pdf()
    stored = uploads.store(upload, checked, purpose=uploads.PLAN_EVIDENCE)
    assert stored.name == "Evidence 1.PDF"
    assert stored.storage_name.startswith("evidence/")
    assert stored.storage_name.endswith(".pdf")
    assert "Evidence" not in stored.storage_name
    assert (stored.size, stored.content_type) == (len(PDF), "application/pdf")
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    with default_storage.open(stored.storage_name) as handle:
        assert handle.read() == PDF


def test_stored_keeps_the_file_when_the_block_saves(media):
    upload, checked = checked_pdf()
    with uploads.stored(upload, checked, purpose=uploads.MANDATE) as stored:
        assert stored.storage_name.startswith("documents/mandate/")
    assert len(files_in(media)) == 1


def test_stored_deletes_the_file_when_the_block_fails(media):
    upload, checked = checked_pdf()
    written = []

    def save_row():
        with uploads.stored(upload, checked, purpose=uploads.MANDATE):
            written.extend(files_in(media))
            raise SaveFailed("the row could not be saved")

    with pytest.raises(SaveFailed):
        save_row()
    assert len(written) == 1
    assert files_in(media) == []


def test_stored_without_an_upload_writes_nothing(media):
    with uploads.stored(None, None, purpose=uploads.MANDATE) as stored:
        assert stored is None
    assert files_in(media) == []


@pytest.mark.parametrize(
    ("stored_name", "sent"),
    [
        ("Plan v2.pdf", "Plan v2.pdf"),
        ("line\nbreak.pdf", "line break.pdf"),
        ('say "hi".pdf', "say 'hi'.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("evil\u202egpj.pdf", "evil gpj.pdf"),
        ("", "download"),
        ("...", "download"),
    ],
)
def test_the_download_name_is_safe_for_a_header(stored_name, sent):
    assert uploads.download_name(stored_name) == sent


def test_a_stored_name_with_a_line_break_downloads_instead_of_a_500(as_user, tutor, learner):
    # Rows made before names were checked, or in the admin, reach the download view unchecked.
    upload, checked = checked_pdf()
    with uploads.stored(upload, checked, purpose=uploads.MANDATE) as stored:
        document = Document.objects.create(
            kind=Document.Kind.MANDATE,
            learner=learner,
            file=stored.storage_name,
            original_name="Signed\r\nmandate.pdf",
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
        )
    response = as_user(tutor).get(f"/users/{learner.pk}/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Signed  mandate.pdf"'
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == 1
