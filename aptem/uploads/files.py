"""Storing checked uploads and serving them back (DESIGN.md §9).

Files go through Django's default storage (a private folder, or S3 in production) under a random
name, never the uploader's; the SHA-256 is taken as they are written. They are served only
through a view that has checked access, as an attachment, and every download is logged. Only the
storage API is used (open, exists, delete, url), never a filesystem path, so S3 works the same.
"""

import hashlib
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.http import content_disposition_header

from .checks import CheckedFile
from .purposes import Purpose


@dataclass(frozen=True)
class StoredFile:
    name: str  # as the uploader gave it (already checked), for display and download
    storage_name: str  # where the storage keeps it: random, never the uploader's name
    size: int
    content_type: str
    sha256: str


def random_name(folder: str, filename: str) -> str:
    """A random stored name keeping only the (lower-cased) extension: the uploader's file name
    never reaches the file system."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{folder}/{uuid.uuid4().hex}.{ext}"


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def store(upload: UploadedFile, checked: CheckedFile, *, purpose: Purpose) -> StoredFile:
    """Write an already checked upload to the default storage under a random name."""
    sha256 = sha256_of(upload)
    storage_name = default_storage.save(random_name(purpose.folder, checked.name), upload)
    return StoredFile(checked.name, storage_name, checked.size, checked.content_type, sha256)


@contextmanager
def stored(
    upload: UploadedFile | None, checked: CheckedFile | None, *, purpose: Purpose
) -> Iterator[StoredFile | None]:
    """Store the upload (if there is one), then run the block that saves its row in a
    transaction; if the block fails, the file is deleted again.

    The file is written before the row, so a committed row always has its file, and nothing is
    left behind when the save fails. (A rollback of an *outer* transaction after this block
    would leave the file unreferenced; request code here runs without one, ATOMIC_REQUESTS is
    off.)
    """
    file = store(upload, checked, purpose=purpose) if upload and checked else None
    try:
        with transaction.atomic():
            yield file
    except BaseException:
        if file:
            default_storage.delete(file.storage_name)
        raise


def download_name(name: str) -> str:
    """The file name for a Content-Disposition header: no folders, control characters or
    quotes, whatever was stored (older rows, the admin) and never empty."""
    name = "".join(
        " " if unicodedata.category(c).startswith("C") else c
        for c in unicodedata.normalize("NFC", name or "")
    )
    name = name.replace("/", "_").replace("\\", "_").replace('"', "'").strip(" .")
    return name[:200] or "download"


def serve(
    file: FieldFile, *, name: str, content_type: str, log: Callable[[], None]
) -> FileResponse | HttpResponseRedirect:
    """The stored file as an attachment with its stored content type, streamed in chunks;
    ``log`` records the download as an access event, once the file is known to be there.

    With S3_DOWNLOAD_REDIRECT the answer is instead a redirect to a signed URL that names the
    file and expires within a minute, so large files do not pass through the web process."""
    if not file:
        raise Http404("There is no file.")
    filename = download_name(name)
    content_type = content_type or "application/octet-stream"
    if settings.S3_DOWNLOAD_REDIRECT:
        return _signed_redirect(file, filename, content_type, log)
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored file is missing.") from exc
    log()
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def _signed_redirect(
    file: FieldFile, filename: str, content_type: str, log: Callable[[], None]
) -> HttpResponseRedirect:
    if not file.storage.exists(file.name):
        raise Http404("The stored file is missing.")
    log()
    # The bucket answers with the headers the signed URL names, as the streamed answer would.
    headers = {
        "ResponseContentDisposition": content_disposition_header(True, filename),
        "ResponseContentType": content_type,
    }
    return HttpResponseRedirect(file.storage.url(file.name, parameters=headers))
