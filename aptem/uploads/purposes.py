"""What each kind of upload may be and where it is kept: one allow-list and size limit per
purpose (DESIGN.md §9). A new purpose (the Documents section's kinds, say) is one more entry."""

from dataclasses import dataclass, field

from django.core.files.uploadedfile import UploadedFile

from .checks import DOCX_TYPE, ODT_TYPE, CheckedFile, check_upload, max_upload_bytes

# Extension → the content type stored and sent back on download.
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "doc": "application/msword",
    "docx": DOCX_TYPE,
    "odt": ODT_TYPE,
}

# The Documents section takes office files of every kind and pictures too, in this order.
SECTION_DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": DOCX_TYPE,
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": ODT_TYPE,
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


@dataclass(frozen=True)
class Purpose:
    label: str
    # The folder in the storage; the stored names inside it are random.
    folder: str
    types: dict[str, str] = field(hash=False)
    # None: the DOCUMENT_MAX_UPLOAD_BYTES setting, read when checking so tests can change it.
    limit: int | None = None

    @property
    def max_bytes(self) -> int:
        return self.limit or max_upload_bytes()

    @property
    def listed(self) -> str:
        """The allowed extensions as people read them: ".pdf, .jpg, ..."."""
        return ", ".join(f".{e}" for e in self.types)

    @property
    def accept(self) -> str:
        """The allowed extensions for a file input's ``accept`` attribute."""
        return ",".join(f".{e}" for e in self.types)

    def check(self, upload: UploadedFile) -> CheckedFile:
        return check_upload(upload, self.types, self.max_bytes)

    def clean_field(self, form, name: str) -> UploadedFile | None:
        """A form's ``clean_<name>`` for a file field of this purpose: the upload, checked (an
        invalid file is the field's error) and kept on ``form.checked`` for the service that
        stores it. Without an upload there is nothing to check."""
        upload = form.cleaned_data.get(name)
        if upload:
            form.checked = self.check(upload)
        return upload


MANDATE = Purpose("mandate", "documents/mandate", DOCUMENT_TYPES)
# Evidence is a learner's work or a certificate: the same document types as mandates.
PLAN_EVIDENCE = Purpose("learning-plan evidence", "evidence", DOCUMENT_TYPES)
FUNCTIONAL_SKILL_EVIDENCE = Purpose(
    "functional-skills evidence", "documents/functional-skills", DOCUMENT_TYPES
)
# The learner's Documents section (and files the portal makes, such as sealed compliance PDFs).
# Its limit is DOCUMENT_MAX_UPLOAD_BYTES, 20 MB unless the operator sets another.
SECTION_DOCUMENT = Purpose("document", "documents/document", SECTION_DOCUMENT_TYPES)
