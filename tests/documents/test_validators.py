import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.validators import MANDATE_TYPES, check_upload

from .conftest import MINIMAL_PDF


def _zip(entries: list[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries:
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_docx_is_recognised_whatever_order_its_entries_come_in():
    content = _zip([("word/document.xml", "<w/>"), ("[Content_Types].xml", "<Types/>")])
    checked = check_upload(SimpleUploadedFile("m.docx", content), MANDATE_TYPES)
    assert checked.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize("name", ["archive.docx", "archive.odt"])
def test_any_other_zip_renamed_is_refused(name):
    content = _zip([("payload.exe", "MZ")])
    with pytest.raises(ValidationError, match="content is not"):
        check_upload(SimpleUploadedFile(name, content), MANDATE_TYPES)


def test_a_bidirectional_override_in_the_name_is_refused():
    # U+202E would show "evil\u202efdp.exe" as "evilexe.pdf".
    with pytest.raises(ValidationError, match="control characters"):
        check_upload(SimpleUploadedFile("evil\u202egpj.pdf", MINIMAL_PDF), MANDATE_TYPES)


def test_the_extension_is_matched_case_insensitively():
    assert check_upload(SimpleUploadedFile("M.PDF", MINIMAL_PDF), MANDATE_TYPES).extension == "pdf"
