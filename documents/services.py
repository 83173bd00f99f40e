"""Mandate workflows: the prepared PDF, storing an upload, and recording downloads."""

import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.loader import render_to_string
from django.utils import timezone

from aptem import uploads
from aptem.uploads import CheckedFile
from audit.services import log_access
from users.models import User

from .models import Document

# The upload purpose (allow-list, size limit, folder) of each kind of document.
KIND_PURPOSES = {Document.Kind.MANDATE: uploads.MANDATE}


def _no_fetch(url: str, *args, **kwargs):
    # The mandate uses only installed fonts and inline CSS: nothing may be fetched, so learner
    # data can never make the server request a URL.
    raise ValueError(f"External resources are not allowed in PDFs: {url[:80]}")


def mandate_pdf(*, learner: User, actor: User) -> bytes:
    """The mandate filled in with the learner's and the provider's details, as PDF bytes.

    Preparing it reads the learner's date of birth, NI number and ULN, so it is logged as access.
    """
    context = {
        "learner": learner,
        "employer": learner.organisation,
        "address": ", ".join(
            part
            for part in (
                learner.address_line_1,
                learner.address_line_2,
                learner.town,
                learner.county,
                learner.postcode,
            )
            if part
        ),
        "provider_name": settings.PROVIDER_NAME,
        "provider_ukprn": settings.PROVIDER_UKPRN,
        "prepared_on": timezone.localdate(),
    }
    html = render_to_string("pdf/mandate.html", context)
    # Imported here: WeasyPrint is slow to load and only this view needs it. Its step-by-step
    # progress messages are noise in the server log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).write_pdf()
    log_access(learner, kind="mandate", detail="Mandate PDF prepared", actor=actor)
    return pdf


def document_upload(
    *, learner: User, upload: UploadedFile, checked: CheckedFile, kind: str, actor: User
) -> Document:
    """Store an already validated upload under a random name and record it.

    The file is written first and the row saved after, so a committed row always has its file;
    if the row cannot be saved the file is removed again (aptem.uploads.stored). Nothing is
    written before validation.
    """
    with uploads.stored(upload, checked, purpose=KIND_PURPOSES[kind]) as file:
        return Document.objects.create(
            kind=kind,
            learner=learner,
            file=file.storage_name,
            original_name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            created_by=actor,
        )
