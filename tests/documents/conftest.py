from pathlib import PurePosixPath

import pytest

from tests import s3
from tests.sample_files import image_bytes, ole2_bytes, ooxml_bytes, opendocument_bytes, pdf_bytes

# Real files that open as what they claim (aptem/uploads/checks.py parses them).
MINIMAL_PDF = pdf_bytes()
MINIMAL_JPEG = image_bytes("JPEG")
PNG = image_bytes("PNG")
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
OLE2_DOC = ole2_bytes("doc")


def make_docx() -> bytes:
    return ooxml_bytes("docx")


def make_odt() -> bytes:
    return opendocument_bytes("odt")


@pytest.fixture(autouse=True)
def media(settings, tmp_path, s3_prefix):
    """Uploaded files go to a fresh folder per test, so a test can prove nothing was written:
    a prefix of the test's own in the bucket when the tests run against S3 (tests/s3.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return PurePosixPath(s3_prefix) if s3_prefix else settings.MEDIA_ROOT


def stored_files(media) -> list:
    """The files under ``media``, each with ``read_bytes()`` and ``parent`` as a Path has."""
    if s3.BUCKET:
        return s3.stored_objects(media)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def add_document(learner, actor=None, **fields):
    """A document filed through the public service (a real stored file)."""
    from documents import services

    values = {
        "name": "payslip.pdf",
        "content": MINIMAL_PDF,
        "content_type": "application/pdf",
        "folder": "OWN",
        "description": "Payslip",
        "actor": actor,
    }
    values.update(fields)
    return services.document_add(learner=learner, **values)
