"""A stored file handed out as a download, always recorded as an access event (DESIGN.md §6)."""

from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseRedirect

from aptem import uploads

from .services import log_access


def serve_download(
    record: models.Model, file: FieldFile, name: str, content_type: str, actor
) -> FileResponse | HttpResponseRedirect:
    """``record``'s ``file`` as an attachment called ``name``; the download is logged against
    ``record`` as ``actor``'s access, once the file is known to be there."""
    return uploads.serve(
        file,
        name=name,
        content_type=content_type,
        log=lambda: log_access(record, kind="download", detail=name, actor=actor),
    )
