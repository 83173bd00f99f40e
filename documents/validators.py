"""Checks on uploaded files (DESIGN.md §9): a name that is safe to show, an extension on the
purpose's allow-list, content whose magic bytes match that extension, and a size limit."""

import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"

# Extension → the content type stored and sent back on download.
MANDATE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "doc": "application/msword",
    "docx": DOCX_TYPE,
    "odt": ODT_TYPE,
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int


def max_upload_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def safe_display_name(name: str) -> str:
    """The name as the uploader gave it, refused if it could be read as a path or hides
    characters; Django already strips such parts from HTTP uploads, this guards every other
    way in (imports, a different upload handler)."""
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise ValidationError("The file has no name.", code="name")
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValidationError(
            "The file name must not contain folder names or start with a dot. "
            "Rename the file and upload it again.",
            code="name",
        )
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError(
            "The file name contains control characters. Rename the file and upload it again.",
            code="name",
        )
    if len(name) > 200:
        raise ValidationError("The file name is too long (200 characters at most).", code="name")
    return name


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _content_matches(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if extension == "doc":
        return head.startswith(OLE2_SIGNATURE)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if extension == "pdf":
        return mime == "application/pdf"
    if extension in ("jpg", "jpeg"):
        return mime == "image/jpeg"
    if extension in ("docx", "odt"):
        expected = DOCX_TYPE if extension == "docx" else ODT_TYPE
        # filetype names the container only when the telltale entry comes first; otherwise
        # it says zip and the archive's own table of contents decides.
        if mime not in (expected, "application/zip"):
            return False
        return _zip_is(upload, extension)
    return False


def _zip_is(upload: UploadedFile, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension == "docx":
                return {"[Content_Types].xml", "word/document.xml"} <= names
            if "mimetype" not in names:
                return False
            with archive.open("mimetype") as entry:
                return entry.read(100).strip() == ODT_TYPE.encode()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return False
    finally:
        upload.seek(0)


def check_upload(upload: UploadedFile, allowed: dict[str, str]) -> CheckedFile:
    """Validate an upload for a purpose whose allow-list is ``allowed`` (extension → type)."""
    name = safe_display_name(upload.name)
    extension = _extension(name)
    listed = ", ".join(f".{e}" for e in allowed)
    if extension not in allowed:
        raise ValidationError(f"Upload a file of one of these types: {listed}.", code="extension")
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the largest allowed is "
            f"{filesizeformat(limit)}.",
            code="size",
        )
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if not _content_matches(upload, extension):
        raise ValidationError(
            f"The file's content is not a .{extension} file. Upload the original document "
            "rather than a renamed one.",
            code="content",
        )
    return CheckedFile(name, extension, allowed[extension], upload.size)
