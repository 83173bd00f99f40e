"""The Compliance documents section and the profile header's count."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance import services
from compliance.models import ComplianceDocument
from tests.compliance.factories import kind, required_enrolment
from tests.sample_files import pdf_bytes

Status = ComplianceDocument.Status


def profile(client, learner) -> str:
    return client.get(f"/users/{learner.pk}/").content.decode()


def _document(enrolment, code, status, number=1, actor=None):
    return ComplianceDocument.objects.create(
        learner=enrolment.learner,
        enrolment=enrolment,
        document_type=kind(code),
        number=number,
        status=status,
        file="compliance/x.pdf",
        original_name="x.pdf",
        sha256="0" * 64,
        created_by=actor,
    )


def test_each_required_type_shows_its_status_and_what_is_missing(as_user, tutor, learner):
    enrolment = required_enrolment(learner, "commitment-statement", "apprenticeship-agreement")
    _document(enrolment, "apprenticeship-agreement", Status.VERIFIED)
    body = profile(as_user(tutor), learner)
    assert "Not created" in body
    assert "Missing: not created" in body
    assert "Verified by QA" in body
    assert "1 of 2 documents not yet complete for funding" in body


def test_without_a_current_programme_the_section_says_so(as_user, tutor, learner):
    assert "No current programme" in profile(as_user(tutor), learner)


def test_the_header_counts_the_documents_needing_signatures(as_user, tutor, learner):
    enrolment = required_enrolment(learner, "commitment-statement", "written-agreement")
    client = as_user(tutor)
    assert "need signatures" not in profile(client, learner)
    _document(enrolment, "commitment-statement", Status.SUPERSEDED, number=1)
    _document(enrolment, "commitment-statement", Status.CREATED, number=2)
    _document(enrolment, "written-agreement", Status.WAITING)
    assert "2 documents need signatures" in profile(client, learner)


def _section_queries(client, learner) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/users/{learner.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_the_section_runs_a_fixed_number_of_queries(as_user, tutor, learner):
    enrolment = required_enrolment(learner, "commitment-statement")
    client = as_user(tutor)
    _document(enrolment, "commitment-statement", Status.CREATED)
    small = _section_queries(client, learner)
    for code in ("apprenticeship-agreement", "written-agreement", "ilr-document"):
        enrolment.programme.compliance_requirements.create(document_type=kind(code))
        for number in (1, 2, 3):
            _document(enrolment, code, Status.SUPERSEDED if number < 3 else Status.SIGNED, number)
    assert _section_queries(client, learner) == small


def test_a_paper_copy_uploaded_by_service_appears_as_signed(tutor, learner):
    enrolment = required_enrolment(learner)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("s.pdf", pdf_bytes(), content_type="application/pdf")
    document = services.compliance_document_upload(
        enrolment=enrolment,
        document_type=kind(),
        upload=upload,
        checked=services.PAPER_COPY.check(upload),
        actor=tutor,
    )
    assert document.status == Status.SIGNED_PAPER
