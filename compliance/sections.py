"""The Compliance documents section of a learner's profile: each document type the current
programme requires, with its latest document's status and what is missing for funding."""

from dataclasses import dataclass

from django.http import HttpRequest

from aptem.sections import Section
from programmes.models import Enrolment
from users.models import User

from .models import ComplianceDocument, DocumentType, ProgrammeRequirement

Status = ComplianceDocument.Status
CREATE = "compliance.create_compliance_documents"
QA = "compliance.qa_compliance_documents"


@dataclass(frozen=True)
class Row:
    """One required type: its latest document (None: not created) and what funding still needs
    (empty when nothing)."""

    document_type: DocumentType
    document: ComplianceDocument | None
    missing: str

    @property
    def status_label(self) -> str:
        return self.document.get_status_display() if self.document else "Not created"


def missing_for_funding(document: ComplianceDocument | None) -> str:
    """What is missing for funding compliance, in words (the page also shows it in red)."""
    if document is None:
        return "Missing: not created"
    if document.status == Status.CREATED:
        return "Missing: signatures"
    if document.status == Status.WAITING:
        return "Missing: other parties' signatures"
    if document.status == Status.REJECTED:
        return f"Missing: rejected by QA ({document.rejection_reason})"
    if document.status in (Status.SIGNED, Status.SIGNED_PAPER):
        return "Missing: verification by QA"
    return ""


def current_enrolment(learner: User) -> Enrolment | None:
    """The current programme compliance documents are made for (one query)."""
    return Enrolment.objects.filter(learner=learner).for_learning_plan()


def rows_for(enrolment: Enrolment | None) -> list[Row]:
    """Each required type with its latest document: two queries however many versions, the
    same two without a current programme (so the profile's query count never changes)."""
    programme_id = enrolment.programme_id if enrolment else None
    enrolment_id = enrolment.pk if enrolment else None
    requirements = ProgrammeRequirement.objects.filter(programme_id=programme_id).select_related(
        "document_type"
    )
    latest: dict[int, ComplianceDocument] = {}
    # The envelopes' signers come in one more query only when some document has an envelope.
    documents = (
        ComplianceDocument.objects.filter(enrolment_id=enrolment_id)
        .exclude(status=Status.SUPERSEDED)
        .select_related("envelope")
        .prefetch_related("envelope__signers")
    )
    for document in documents.order_by("number"):
        latest[document.document_type_id] = document
    rows = []
    for requirement in requirements:
        document = latest.get(requirement.document_type_id)
        rows.append(Row(requirement.document_type, document, missing_for_funding(document)))
    return rows


def _summary(request: HttpRequest, subject: User) -> dict:
    enrolment = current_enrolment(subject)
    rows = rows_for(enrolment)
    viewer = request.user
    return {
        "enrolment": enrolment,
        "rows": rows,
        "missing_count": sum(1 for row in rows if row.missing),
        "may_create": viewer.has_perm(CREATE),
        "may_qa": viewer.has_perm(QA),
    }


COMPLIANCE = Section(
    key="compliance",
    title="Compliance documents",
    template="compliance/sections/_compliance.html",
    summary=_summary,
    count=lambda c: (
        f"{len(c['rows']) - c['missing_count']}/{len(c['rows'])}" if c["rows"] else None
    ),
)
