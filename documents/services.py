"""Document workflows: the prepared mandate PDF, storing an upload or a file the portal made,
editing, replacing (the earlier file kept) and deleting (the row kept), each taking its actor."""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from aptem import uploads
from aptem.uploads import CheckedFile
from aptem.versioning import lock_unless_stale, save_as_new_version, versioned_update
from audit.context import acting_as, signed_by_actor
from audit.services import log_access
from users.models import User

from .models import Document, DocumentVersion

# The upload purpose (allow-list, size limit, folder) of each kind of document.
KIND_PURPOSES = {
    Document.Kind.MANDATE: uploads.MANDATE,
    Document.Kind.DOCUMENT: uploads.SECTION_DOCUMENT,
}
# Mandates are about the learner's programme; everything else starts in the folder it is
# uploaded to.
KIND_FOLDERS = {Document.Kind.MANDATE: Document.Folder.PROGRAMME}


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


@signed_by_actor
def document_upload(
    *,
    learner: User,
    upload: UploadedFile,
    checked: CheckedFile,
    kind: str = Document.Kind.DOCUMENT,
    actor: User,
    folder: str | None = None,
    description: str = "",
    visible_to_learner: bool = False,
) -> Document:
    """Store an already validated upload under a random name and record it.

    The file is written first and the row saved after, so a committed row always has its file;
    if the row cannot be saved the file is removed again (aptem.uploads.stored). Nothing is
    written before validation.
    """
    with uploads.stored(upload, checked, purpose=KIND_PURPOSES[kind]) as file:
        return _create(learner, file, kind, folder, description, visible_to_learner, actor)


@signed_by_actor
def document_add(
    *,
    learner: User,
    name: str,
    content: bytes,
    content_type: str,
    folder: str,
    description: str,
    actor: User,
    visible_to_learner: bool = False,
) -> Document:
    """File a document the portal made itself (a sealed compliance PDF, say) for ``learner``.

    Not an upload, so its content is not checked, but it is stored the one way uploads are:
    a random private name, its SHA-256, the row saved only once the file is written."""
    name = uploads.safe_display_name(name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    made = CheckedFile(name, extension, content_type, len(content))
    with uploads.stored(
        ContentFile(content, name=name), made, purpose=uploads.SECTION_DOCUMENT
    ) as file:
        return _create(
            learner, file, Document.Kind.DOCUMENT, folder, description, visible_to_learner, actor
        )


def _create(learner, file, kind, folder, description, visible_to_learner, actor) -> Document:
    now = timezone.now()
    return Document.objects.create(
        kind=kind,
        folder=folder or KIND_FOLDERS.get(kind, Document.Folder.OWN),
        description=description,
        visible_to_learner=visible_to_learner,
        learner=learner,
        file=file.storage_name,
        original_name=file.name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        created_at=now,
        created_by=actor,
        uploaded_at=now,
        uploaded_by=actor,
    )


@transaction.atomic
@signed_by_actor
def document_update(
    *, document: Document, data: dict, based_on_version: int, actor: User
) -> Document:
    """Save the description, visibility and folder, unless someone saved the document after
    ``based_on_version``."""
    _refuse_deleted(document)
    return versioned_update(document, data, based_on_version)


def document_replace(
    *,
    document: Document,
    upload: UploadedFile,
    checked: CheckedFile,
    based_on_version: int,
    actor: User,
) -> Document:
    """Put a new, checked file in the document; the earlier file is kept as a
    ``DocumentVersion`` and stays downloadable. Refused when someone saved the document after
    ``based_on_version`` (then the new file is removed again, as with any failed save)."""
    purpose = KIND_PURPOSES[document.kind]
    with uploads.stored(upload, checked, purpose=purpose) as file, acting_as(actor):
        current = lock_unless_stale(document, based_on_version)
        _refuse_deleted(current)
        DocumentVersion.objects.create(
            document=current,
            learner_id=current.learner_id,
            file=current.file.name,
            original_name=current.original_name,
            content_type=current.content_type,
            size=current.size,
            sha256=current.sha256,
            created_at=current.uploaded_at,
            created_by_id=current.uploaded_by_id,
            replaced_by=actor,
        )
        values = {
            "file": file.storage_name,
            "original_name": file.name,
            "content_type": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
            "uploaded_at": timezone.now(),
            "uploaded_by": actor,
        }
        return save_as_new_version(current, values)


@transaction.atomic
@signed_by_actor
def document_delete(*, document: Document, based_on_version: int, actor: User) -> Document:
    """Mark the document deleted: it leaves the lists and its downloads, but its row, SHA-256,
    earlier versions, audit entries and stored file stay, as evidence."""
    current = lock_unless_stale(document, based_on_version)
    _refuse_deleted(current)
    return save_as_new_version(current, {"deleted_at": timezone.now(), "deleted_by": actor})


class DocumentDeleted(Exception):
    """The document was deleted (by someone else, a moment ago): it can no longer change."""


def _refuse_deleted(document: Document) -> None:
    if document.is_deleted:
        raise DocumentDeleted(document.title)
