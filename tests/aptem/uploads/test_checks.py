import io
import zipfile

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from aptem.uploads import DOCUMENT_TYPES, check_upload
from aptem.uploads.checks import OLE2_SIGNATURE, STRUCTURE_CHECKS
from tests.sample_files import (
    image_bytes,
    ole2_bytes,
    ooxml_bytes,
    opendocument_bytes,
    pdf_bytes,
    valid_file,
)

MINIMAL_PDF = pdf_bytes()


def _zip(entries: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_docx_is_recognised_whatever_order_its_entries_come_in():
    content = _zip([("word/document.xml", "<w/>"), ("[Content_Types].xml", "<Types/>")])
    checked = check_upload(SimpleUploadedFile("m.docx", content), DOCUMENT_TYPES)
    assert checked.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize("name", ["archive.docx", "archive.odt"])
def test_any_other_zip_renamed_is_refused(name):
    content = _zip([("payload.exe", "MZ")])
    with pytest.raises(ValidationError, match="content is not"):
        check_upload(SimpleUploadedFile(name, content), DOCUMENT_TYPES)


def test_a_bidirectional_override_in_the_name_is_refused():
    # U+202E would show "evil\u202efdp.exe" as "evilexe.pdf".
    with pytest.raises(ValidationError, match="control characters"):
        check_upload(SimpleUploadedFile("evil\u202egpj.pdf", MINIMAL_PDF), DOCUMENT_TYPES)


def test_the_extension_is_matched_case_insensitively():
    assert check_upload(SimpleUploadedFile("M.PDF", MINIMAL_PDF), DOCUMENT_TYPES).extension == "pdf"


# Every type the check knows how to parse; each purpose allows a subset (DOCUMENT_TYPES...).
EVERY_TYPE = dict.fromkeys(STRUCTURE_CHECKS, "application/octet-stream")
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def refused(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, content), EVERY_TYPE)
    return caught.value.messages[0]


def zip_bomb(megabytes: int, part: str = "word/document.xml") -> bytes:
    """A small .docx whose document part is ``megabytes`` of zeros (they compress ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open(part, "w") as entry:
            for _ in range(megabytes):
                entry.write(b"\0" * 1024 * 1024)
    return buffer.getvalue()


@pytest.mark.parametrize("extension", sorted(EVERY_TYPE))
def test_a_real_file_of_every_known_type_is_accepted(extension):
    content = valid_file(extension)
    checked = check_upload(SimpleUploadedFile(f"file.{extension}", content), EVERY_TYPE)
    assert (checked.extension, checked.size) == (extension, len(content))


def test_a_pdf_whose_body_is_html_is_refused():
    message = refused("mandate.pdf", b"%PDF-1.4\n" + HTML)
    assert message.startswith("This file says it is a PDF but cannot be opened as one.")


def test_a_pdf_without_pages_is_refused():
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    assert "cannot be opened as one" in refused("mandate.pdf", content)


def test_a_password_protected_pdf_is_refused():
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "protected with a password" in refused("mandate.pdf", buffer.getvalue())


@pytest.mark.parametrize("extension", ["jpg", "jpeg"])
def test_a_jpeg_header_followed_by_html_is_refused(extension):
    content = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + HTML
    message = refused(f"scan.{extension}", content)
    assert message.startswith("This file says it is a JPEG image but cannot be opened as one.")


@pytest.mark.parametrize(("extension", "image_format"), [("jpg", "JPEG"), ("png", "PNG")])
def test_a_truncated_image_is_refused(extension, image_format):
    content = image_bytes(image_format, size=(400, 300))
    assert "cannot be opened as one" in refused(f"scan.{extension}", content[: len(content) // 2])


def test_an_image_with_more_pixels_than_pillow_allows_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    assert "more pixels than the portal accepts" in refused("scan.png", image_bytes("PNG"))


def test_a_small_docx_that_expands_to_200_mb_is_refused_unread():
    content = zip_bomb(200)
    assert len(content) < 250 * 1024
    message = refused("mandate.docx", content)
    assert message.startswith("This file expands to more than 100.0\xa0MB when opened")


def test_an_archive_past_the_uncompressed_limit_is_refused_even_at_a_normal_ratio(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    settings.DOCUMENT_MAX_COMPRESSION_RATIO = 10_000
    assert "expands to more than 1.0\xa0MB" in refused("mandate.docx", zip_bomb(2))


def test_one_part_compressed_beyond_the_ratio_is_refused(settings):
    settings.DOCUMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
    assert "expands to more than" in refused("mandate.docx", zip_bomb(2))


def test_an_archive_with_a_corrupt_part_is_refused():
    content = bytearray(ooxml_bytes("docx"))
    offset = content.index(b"word/document.xml") + len("word/document.xml")
    content[offset : offset + 8] = b"\xff" * 8
    message = refused("mandate.docx", bytes(content))
    assert message.startswith("This file says it is a Word document but cannot be opened as one.")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("mandate.doc", OLE2_SIGNATURE + b"\x00" * 504),
        ("mandate.doc", ole2_bytes("xls")),
        ("budget.xls", ole2_bytes("ppt")),
        ("slides.odp", opendocument_bytes("odt")),
        ("sheet.xlsx", ooxml_bytes("docx")),
    ],
)
def test_a_file_without_what_its_type_must_contain_is_refused(name, content):
    message = refused(name, content)
    assert "cannot be opened as one" in message or "content is not" in message


def test_a_truncated_image_is_refused_even_when_weasyprint_allows_truncated_images(monkeypatch):
    # WeasyPrint sets this process-wide flag when imported; the check must not inherit it.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    content = image_bytes("JPEG", size=(400, 300))
    assert "cannot be opened as one" in refused("scan.jpg", content[: len(content) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
