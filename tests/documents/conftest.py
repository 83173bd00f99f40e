import pytest

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
def media(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, so a test can prove nothing was written."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
