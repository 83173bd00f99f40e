"""Checks on uploaded files (DESIGN.md §9): a name that is safe to show, an extension on the
purpose's allow-list, content whose magic bytes match that extension, a size limit, and a file
that parses as what it claims: a PDF opens, an image decodes, an Office or OpenDocument archive
is well formed and does not expand past a limit (a "zip bomb").

The allow-lists themselves are in ``purposes``; this module knows every type any purpose may
allow."""

import threading
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
import olefile
import pypdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageFile

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# What an archive may expand to, and by how much one entry may compress: real documents stay far
# below both, a zip bomb (a few hundred KB of zeros expanding to gigabytes) does not.
DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
DEFAULT_MAX_COMPRESSION_RATIO = 200
MAX_ARCHIVE_ENTRIES = 10_000
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_TYPE = "application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    size: int


def max_upload_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)


def max_uncompressed_bytes() -> int:
    return getattr(settings, "DOCUMENT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)


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
    if extension in OLE2_STREAMS:
        return head.startswith(OLE2_SIGNATURE)
    kind = filetype.guess(head)
    mime = kind.mime if kind else ""
    if extension == "pdf":
        return mime == "application/pdf"
    if extension in IMAGE_FORMATS:
        return mime == f"image/{IMAGE_FORMATS[extension].lower()}"
    if extension in OOXML_PARTS or extension in OPENDOCUMENT_TYPES:
        # filetype names the container only when the telltale entry comes first, so the zip
        # signature is enough here and the archive's own table of contents decides.
        return head.startswith(ZIP_SIGNATURE) and _zip_is(upload, extension)
    return False


def _zip_is(upload: UploadedFile, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in OOXML_PARTS:
                return {"[Content_Types].xml", OOXML_PARTS[extension]} <= names
            if "mimetype" not in names:
                return False
            with archive.open("mimetype") as entry:
                return entry.read(100).strip() == OPENDOCUMENT_TYPES[extension].encode()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return False
    finally:
        upload.seek(0)


# What each type is called in messages, and what it must contain to be that type.
KIND_NAMES = {
    "pdf": "PDF",
    "jpg": "JPEG image",
    "jpeg": "JPEG image",
    "png": "PNG image",
    "doc": "Word document",
    "docx": "Word document",
    "xls": "Excel workbook",
    "xlsx": "Excel workbook",
    "ppt": "PowerPoint presentation",
    "pptx": "PowerPoint presentation",
    "odt": "OpenDocument text",
    "ods": "OpenDocument spreadsheet",
    "odp": "OpenDocument presentation",
}
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
OOXML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
OPENDOCUMENT_TYPES = {
    "odt": ODT_TYPE,
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
# The stream holding the document itself; older Excel files call theirs "Book".
OLE2_STREAMS = {
    "doc": ("WordDocument",),
    "xls": ("Workbook", "Book"),
    "ppt": ("PowerPoint Document",),
}

# Where Office keeps macros (VBA): a part of an OOXML archive, storages of an OLE2 file.
OOXML_MACRO_PART = "vbaproject.bin"
OLE2_MACRO_STORAGES = ("Macros", "_VBA_PROJECT_CUR", "_VBA_PROJECT")


class Unreadable(Exception):
    """The file does not parse as the type it claims; the message says why, if known."""


def _cannot_open(extension: str, reason: str = "") -> ValidationError:
    kind = KIND_NAMES[extension]
    article = "an" if kind[0] in "AEIOU" else "a"
    return ValidationError(
        f"This file says it is {article} {kind} but cannot be opened as one"
        f"{f' ({reason})' if reason else ''}. Open it on your computer, save it again as "
        f"{article} {kind} and upload that.",
        code="structure",
    )


def _check_pdf(upload: UploadedFile, extension: str) -> None:
    reader = pypdf.PdfReader(upload)
    if reader.is_encrypted:
        raise ValidationError(
            "This PDF is protected with a password, so nobody here could open it. Upload a copy "
            "without a password.",
            code="encrypted",
        )
    if len(reader.pages) < 1:
        raise Unreadable("it has no pages")
    reader.pages[0].mediabox  # noqa: B018  (a page that cannot be read raises here)


def _check_image(upload: UploadedFile, extension: str) -> None:
    with warnings.catch_warnings():
        # Pillow warns above Image.MAX_IMAGE_PIXELS and raises only above twice that: refuse
        # both, before a single pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ValidationError(
                "This image has more pixels than the portal accepts. Upload a smaller scan or "
                "photo.",
                code="pixels",
            ) from exc
    with image:
        if image.format != IMAGE_FORMATS[extension]:
            raise Unreadable()
        # verify() checks the structure without decoding; load() then decodes every pixel,
        # which is what finds a truncated image or HTML after a JPEG header.
        image.verify()
    upload.seek(0)
    with _strict_image_loading(), Image.open(upload) as image:
        image.load()


# WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when imported, so that a broken
# picture on a web page still renders; with it on, load() pads a truncated upload instead of
# failing. The check turns it off while it decodes, one check at a time so the saved value is
# always the one restored.
_TRUNCATED_IMAGES_LOCK = threading.Lock()


@contextmanager
def _strict_image_loading() -> Iterator[None]:
    with _TRUNCATED_IMAGES_LOCK:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _check_archive(upload: UploadedFile, extension: str) -> None:
    limit = max_uncompressed_bytes()
    ratio = getattr(settings, "DOCUMENT_MAX_COMPRESSION_RATIO", DEFAULT_MAX_COMPRESSION_RATIO)
    too_big = ValidationError(
        f"This file expands to more than {filesizeformat(limit)} when opened, more than the "
        "portal accepts. Save it again without embedded media, or split it, and upload that.",
        code="expands",
    )
    with zipfile.ZipFile(upload) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ARCHIVE_ENTRIES:
            raise Unreadable("it holds too many parts")
        if extension in OOXML_PARTS and any(
            entry.filename.lower().endswith(OOXML_MACRO_PART) for entry in entries
        ):
            # A macro-enabled file (.docm, .xlsm) renamed to the plain extension.
            raise _has_macros(extension)
        # The sizes an archive declares are checked first, so a bomb is refused unread ...
        if sum(entry.file_size for entry in entries) > limit:
            raise too_big
        if any(entry.file_size > ratio * max(entry.compress_size, 1024) for entry in entries):
            raise too_big
        # ... then every entry is decompressed (which checks its CRC) with a running budget, in
        # case the declared sizes lie.
        budget = limit
        for entry in entries:
            with archive.open(entry) as stream:
                while chunk := stream.read(1024 * 1024):
                    budget -= len(chunk)
                    if budget < 0:
                        raise too_big


def _check_ole2(upload: UploadedFile, extension: str) -> None:
    with olefile.OleFileIO(upload) as ole:
        if not any(ole.exists(stream) for stream in OLE2_STREAMS[extension]):
            raise Unreadable()
        if any(ole.exists(storage) for storage in OLE2_MACRO_STORAGES):
            raise _has_macros(extension)


def _has_macros(extension: str) -> ValidationError:
    kind = KIND_NAMES[extension]
    return ValidationError(
        f"This {kind} contains macros, which the portal does not accept. Save a copy without "
        "macros and upload that.",
        code="macros",
    )


STRUCTURE_CHECKS: dict[str, Callable[[UploadedFile, str], None]] = {
    "pdf": _check_pdf,
    **dict.fromkeys(IMAGE_FORMATS, _check_image),
    **dict.fromkeys([*OOXML_PARTS, *OPENDOCUMENT_TYPES], _check_archive),
    **dict.fromkeys(OLE2_STREAMS, _check_ole2),
}


def _check_structure(upload: UploadedFile, extension: str) -> None:
    """Parse the file as what it claims to be; raise ValidationError if it is not."""
    upload.seek(0)
    try:
        STRUCTURE_CHECKS[extension](upload, extension)
    except ValidationError:
        raise
    except Unreadable as exc:
        raise _cannot_open(extension, str(exc)) from exc
    except Exception as exc:
        # The parsers meet hostile input here, and each raises its own zoo of errors
        # (PdfReadError, OSError, zlib.error, struct.error, RecursionError, ...): whatever they
        # raise means "not a file we can open", never a 500.
        raise _cannot_open(extension) from exc
    finally:
        upload.seek(0)


def check_upload(
    upload: UploadedFile, allowed: dict[str, str], max_bytes: int | None = None
) -> CheckedFile:
    """Validate an upload against the allow-list ``allowed`` (extension → type) and a size
    limit (``max_bytes``, the DOCUMENT_MAX_UPLOAD_BYTES setting by default)."""
    name = safe_display_name(upload.name)
    extension = _extension(name)
    listed = ", ".join(f".{e}" for e in allowed)
    if extension not in allowed:
        raise ValidationError(f"Upload a file of one of these types: {listed}.", code="extension")
    limit = max_bytes or max_upload_bytes()
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
    _check_structure(upload, extension)
    return CheckedFile(name, extension, allowed[extension], upload.size)
