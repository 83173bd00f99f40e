"""Compliance document workflows: the data that goes in, the PDF, creating, uploading a signed
paper copy, QA verification and rejection, and the types each programme requires. Every step
is recorded on the learner's audit trail (the models are registered with auditlog; the steps
that change no field, like a download, are logged as access)."""

import datetime
import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.template import engines
from django.utils import timezone
from django.utils.text import slugify

from aptem import uploads
from aptem.uploads import CheckedFile, Purpose
from aptem.versioning import versioned_update
from audit.context import signed_by_actor
from programmes.ilr.codes import AimType
from programmes.ilr.models import AppFinRecord
from programmes.models import Enrolment, Programme
from users.models import User

from . import signatures
from .models import ComplianceDocument, DocumentType, ProgrammeRequirement, TemplateVersion

# A signed paper copy is a scan or a PDF.
PAPER_COPY = Purpose(
    "signed paper copy",
    "compliance/paper",
    {k: v for k, v in uploads.DOCUMENT_TYPES.items() if k in {"pdf", "jpg", "jpeg"}},
)
Status = ComplianceDocument.Status


class CannotCreate(Exception):
    """Why a document cannot be made, in words for the page."""


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _price(enrolment: Enrolment) -> dict:
    """The latest total negotiated prices (TNP1 training, TNP2 assessment) on the programme
    aim of this enrolment's ILR, in whole pounds; None where the ILR has none."""
    records = AppFinRecord.objects.filter(
        delivery__enrolment=enrolment,
        delivery__aim_type=AimType.PROGRAMME,
        afin_type="TNP",
        afin_code__in=(1, 2),
    ).order_by("afin_date", "pk")
    latest = {record.afin_code: record.afin_amount for record in records}
    training, assessment = latest.get(1), latest.get(2)
    total = None if training is None and assessment is None else (training or 0) + (assessment or 0)
    return {"training": training, "assessment": assessment, "total": total}


def snapshot(enrolment: Enrolment) -> dict:
    """The values a document is filled from, as plain JSON: kept with the document and shown on
    its page, so anyone can see exactly which data went in. Templates see only these values."""
    learner = enrolment.learner
    programme = enrolment.programme
    manager = learner.manager
    weekly = enrolment.weekly_hours or programme.weekly_hours
    return {
        "learner": {
            "name": learner.full_name,
            "date_of_birth": _date(learner.date_of_birth),
            "uln": learner.uln or "",
            "email": learner.email or "",
        },
        "employer": {
            "name": learner.organisation.name if learner.organisation_id else "",
            "contact": manager.full_name if manager else "",
            "contact_email": manager.email if manager else "",
        },
        "provider": {"name": settings.PROVIDER_NAME, "ukprn": settings.PROVIDER_UKPRN},
        "programme": {
            "name": programme.name,
            "code": programme.code,
            "standard_code": programme.standard_code,
            "level": programme.level,
            "practical_period_start": _date(enrolment.start_date),
            "practical_period_end": _date(enrolment.planned_end_date),
            "weekly_hours": str(Decimal(weekly)) if weekly is not None else "",
        },
        "otj": {
            "planned_hours": programme.planned_otj_hours,
            "minimum_hours": enrolment.minimum_otj_hours,
        },
        "price": _price(enrolment),
    }


def template_version_for(document_type: DocumentType, enrolment: Enrolment) -> TemplateVersion:
    """The version whose dates cover the programme's start date."""
    if enrolment.start_date is None:
        raise CannotCreate("The programme has no start date, so no template version applies.")
    version = document_type.versions.covering(enrolment.start_date).first()
    if version is None:
        raise CannotCreate(
            f"No {document_type.name} template version covers the programme start date, "
            f"{_date(enrolment.start_date)}."
        )
    return version


def _no_fetch(url: str, *args, **kwargs):
    # Installed fonts and inline CSS only: a template can never make the server fetch a URL.
    raise ValueError(f"External resources are not allowed in PDFs: {url[:80]}")


def render_pdf(version: TemplateVersion, data: dict) -> bytes:
    context = {
        **data,
        "document": {
            "type": version.document_type.name,
            "version": version.label,
            "prepared_on": _date(timezone.localdate()),
        },
    }
    html = engines["django"].from_string(version.body).render(context)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # slow to import; only document creation needs it

    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_no_fetch).write_pdf()


def may_replace(document: ComplianceDocument | None, viewer: User) -> bool:
    """Once verified by QA, only Supervisor, ILR QA and Compliance QA replace a document."""
    if document is None or document.status != Status.VERIFIED:
        return True
    return viewer.has_perm("compliance.replace_verified_compliance_documents")


def latest(enrolment: Enrolment, document_type: DocumentType) -> ComplianceDocument | None:
    return (
        ComplianceDocument.objects.filter(enrolment=enrolment, document_type=document_type)
        .order_by("-number")
        .first()
    )


def _next_number_superseding(enrolment: Enrolment, document_type: DocumentType, actor: User) -> int:
    """Lock the type's documents for this programme, mark the earlier ones superseded (they
    stay downloadable) and return the next version number."""
    earlier = list(
        ComplianceDocument.objects.select_for_update()
        .filter(enrolment=enrolment, document_type=document_type)
        .exclude(status=Status.SUPERSEDED)
    )
    for document in earlier:
        signatures.withdraw(document, actor=actor)
        document.status = Status.SUPERSEDED
        document.audit_reason = "A new version was made"
        document.save(update_fields=["status", "updated_at"])
    top = ComplianceDocument.objects.filter(
        enrolment=enrolment, document_type=document_type
    ).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _save_file(name: str, content: bytes) -> str:
    return default_storage.save(uploads.random_name("compliance", name), ContentFile(content))


@signed_by_actor
def compliance_document_create(
    *, enrolment: Enrolment, document_type: DocumentType, actor: User
) -> ComplianceDocument:
    """Fill the type's template version for the programme start date, render the PDF, keep it
    with the data that went in, and send it for signature."""
    if not may_replace(latest(enrolment, document_type), actor):
        raise CannotCreate("The current document is verified by QA; you may not replace it.")
    version = template_version_for(document_type, enrolment)
    data = snapshot(enrolment)
    pdf = render_pdf(version, data)
    name = f"{slugify(document_type.name)}-{slugify(enrolment.learner.full_name)}.pdf"
    storage_name = _save_file(name, pdf)
    try:
        with transaction.atomic():
            number = _next_number_superseding(enrolment, document_type, actor)
            envelope = signatures.send_for_signature(
                enrolment.learner, f"{document_type.name} (version {number})", pdf=pdf, actor=actor
            )
            document = ComplianceDocument.objects.create(
                learner=enrolment.learner,
                enrolment=enrolment,
                document_type=document_type,
                template_version=version,
                number=number,
                status=Status.CREATED,
                envelope=envelope,
                file=storage_name,
                original_name=name,
                content_type="application/pdf",
                size=len(pdf),
                sha256=hashlib.sha256(pdf).hexdigest(),
                data=data,
                created_by=actor,
            )
    except BaseException:
        default_storage.delete(storage_name)
        raise
    return document


@signed_by_actor
def compliance_document_upload(
    *,
    enrolment: Enrolment,
    document_type: DocumentType,
    upload: UploadedFile,
    checked: CheckedFile,
    actor: User,
) -> ComplianceDocument:
    """File a signed paper copy as the type's newest version for the programme."""
    if not may_replace(latest(enrolment, document_type), actor):
        raise CannotCreate("The current document is verified by QA; you may not replace it.")
    with uploads.stored(upload, checked, purpose=PAPER_COPY) as file:
        return ComplianceDocument.objects.create(
            learner=enrolment.learner,
            enrolment=enrolment,
            document_type=document_type,
            number=_next_number_superseding(enrolment, document_type, actor),
            status=Status.SIGNED_PAPER,
            file=file.storage_name,
            original_name=file.name,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            data=snapshot(enrolment),
            created_by=actor,
        )


def _qa(document: ComplianceDocument, status: str, reason: str, actor: User) -> None:
    if document.status not in ComplianceDocument.QA_STATUSES:
        raise CannotCreate(
            f"Only a signed document can be checked by QA; this one is "
            f"{document.get_status_display().lower()}."
        )
    document.status = status
    document.rejection_reason = reason
    document.qa_by = actor
    document.qa_at = timezone.now()
    document.audit_reason = reason
    document.save(update_fields=["status", "rejection_reason", "qa_by", "qa_at", "updated_at"])


@signed_by_actor
def compliance_document_verify(*, document: ComplianceDocument, actor: User) -> None:
    _qa(document, Status.VERIFIED, "", actor)


@signed_by_actor
def compliance_document_reject(*, document: ComplianceDocument, reason: str, actor: User) -> None:
    _qa(document, Status.REJECTED, reason, actor)


@signed_by_actor
@transaction.atomic
def programme_requirements_set(
    *, programme: Programme, document_types: list[DocumentType], actor: User
) -> None:
    """Make the programme require exactly ``document_types``."""
    wanted = {t.pk for t in document_types}
    current = {r.document_type_id: r for r in programme.compliance_requirements.all()}
    for type_pk, requirement in current.items():
        if type_pk not in wanted:
            requirement.delete()
    for type_pk in wanted - current.keys():
        ProgrammeRequirement.objects.create(programme=programme, document_type_id=type_pk)


@signed_by_actor
def template_version_create(*, data: dict, actor: User) -> TemplateVersion:
    return TemplateVersion.objects.create(**data, created_by=actor)


@signed_by_actor
@transaction.atomic
def template_version_update(
    *, version: TemplateVersion, data: dict, based_on_version: int, actor: User
) -> TemplateVersion:
    """Save the template version's new values unless someone saved it after
    ``based_on_version``. Documents already made keep the PDF they were made with."""
    return versioned_update(version, data, based_on_version)
