"""Creating a compliance document (the PDF and the data that went in), uploading a signed paper
copy, QA verification and rejection, download: each view's permission matrix and audit."""

import io

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from compliance.models import ComplianceDocument
from tests.compliance.factories import grant, kind, required_enrolment
from tests.sample_files import pdf_bytes

Status = ComplianceDocument.Status


@pytest.fixture
def enrolment(learner):
    enrolment = required_enrolment(learner)
    enrolment.programme.planned_otj_hours = 312
    enrolment.programme.save()
    return enrolment


@pytest.fixture
def creator(tutor):
    return grant(tutor, "Edit Programme Details")


def create_url(learner, code="commitment-statement"):
    return f"/compliance/learners/{learner.pk}/create/{kind(code).pk}/"


def upload_url(learner, code="commitment-statement"):
    return f"/compliance/learners/{learner.pk}/upload/{kind(code).pk}/"


def doc_url(document, action=""):
    return f"/compliance/learners/{document.learner_id}/documents/{document.pk}/{action}"


def make(enrolment, creator) -> ComplianceDocument:
    from compliance import services

    return services.compliance_document_create(
        enrolment=enrolment, document_type=kind(), actor=creator
    )


def paper(name="signed.pdf"):
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


# --- create ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, learner, enrolment):
    assert client.get(create_url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, enrolment):
    assert (
        as_user(grant(outsider, "Edit Programme Details")).get(create_url(learner)).status_code
        == 404
    )


def test_without_the_create_permission_it_is_forbidden(as_user, colleague, learner, enrolment):
    assert as_user(colleague).post(create_url(learner)).status_code == 403
    assert not ComplianceDocument.objects.exists()


def test_a_type_the_programme_does_not_require_is_404(as_user, creator, learner, enrolment):
    assert as_user(creator).get(create_url(learner, "ilr-document")).status_code == 404


def test_create_shows_which_data_goes_in(as_user, creator, learner, enrolment):
    body = as_user(creator).get(create_url(learner)).content.decode()
    assert "John Smith" in body
    assert "Planned off-the-job hours" in body
    assert "312" in body


def test_create_renders_the_pdf_keeps_the_data_and_is_audited(as_user, creator, learner, enrolment):
    response = as_user(creator).post(create_url(learner))
    document = ComplianceDocument.objects.get()
    assert response.status_code == 302
    assert document.status == Status.CREATED
    assert document.number == 1
    assert document.data["otj"]["planned_hours"] == 312
    assert document.template_version.label == "v1"
    with document.file.open("rb") as stored:
        text = "".join(
            page.extract_text() for page in pypdf.PdfReader(io.BytesIO(stored.read())).pages
        )
    assert "John Smith" in text
    assert "312" in text
    assert str(enrolment.minimum_otj_hours) in text
    entry = AuditEntry.objects.get_for_object(document).get()
    assert entry.actor == creator
    assert entry.learner_id == learner.pk


def test_without_a_covering_template_nothing_is_created(as_user, creator, learner, enrolment):
    kind().versions.update(valid_to="2010-01-01")
    response = as_user(creator).post(create_url(learner))
    assert response.status_code == 400
    assert "No Commitment Statement template version covers" in response.content.decode()
    assert not ComplianceDocument.objects.exists()


def test_creating_again_makes_a_new_version_and_keeps_the_old(creator, enrolment):
    first = make(enrolment, creator)
    second = make(enrolment, creator)
    first.refresh_from_db()
    assert (first.status, second.number) == (Status.SUPERSEDED, 2)
    assert first.file.name != second.file.name


# --- upload a signed paper copy --------------------------------------------------------------


def test_upload_outsider_gets_404(as_user, outsider, learner, enrolment):
    assert as_user(outsider).get(upload_url(learner)).status_code == 404


def test_upload_needs_edit_learner_details(as_user, colleague, learner, enrolment):
    assert as_user(colleague).get(upload_url(learner)).status_code == 403


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    as_user, tutor, learner, enrolment
):
    fake = SimpleUploadedFile("signed.pdf", b"not a pdf", content_type="application/pdf")
    response = as_user(tutor).post(upload_url(learner), {"file": fake})
    assert response.status_code == 200
    assert not ComplianceDocument.objects.exists()


def test_a_paper_copy_is_filed_as_signed_and_audited(as_user, tutor, learner, enrolment):
    response = as_user(tutor).post(upload_url(learner), {"file": paper()})
    assert response.status_code == 302
    document = ComplianceDocument.objects.get()
    assert document.status == Status.SIGNED_PAPER
    assert document.is_paper
    assert AuditEntry.objects.get_for_object(document).get().actor == tutor


def test_once_verified_only_the_qa_roles_may_upload(as_user, tutor, supervisor, learner, enrolment):
    from compliance import services

    document = services.compliance_document_upload(
        enrolment=enrolment, document_type=kind(), upload=paper(), checked=_checked(), actor=tutor
    )
    services.compliance_document_verify(document=document, actor=supervisor)
    assert as_user(tutor).get(upload_url(learner)).status_code == 403
    grant(tutor, "Compliance QA")
    assert as_user(tutor).post(upload_url(learner), {"file": paper()}).status_code == 302
    document.refresh_from_db()
    assert document.status == Status.SUPERSEDED


def _checked():
    from compliance.services import PAPER_COPY

    return PAPER_COPY.check(paper())


# --- QA ----------------------------------------------------------------------------------------


@pytest.fixture
def signed(enrolment, tutor):
    from compliance import services

    return services.compliance_document_upload(
        enrolment=enrolment, document_type=kind(), upload=paper(), checked=_checked(), actor=tutor
    )


def test_verify_anonymous_outsider_and_missing_permission(client, as_user, outsider, tutor, signed):
    assert client.post(doc_url(signed, "verify/"))["Location"].startswith("/login/")
    assert (
        as_user(grant(outsider, "Compliance QA")).post(doc_url(signed, "verify/")).status_code
        == 404
    )
    assert as_user(tutor).post(doc_url(signed, "verify/")).status_code == 403
    signed.refresh_from_db()
    assert signed.status == Status.SIGNED_PAPER


def test_compliance_qa_verifies_a_signed_document(as_user, tutor, signed):
    response = as_user(grant(tutor, "Compliance QA")).post(doc_url(signed, "verify/"))
    assert response.status_code == 302
    signed.refresh_from_db()
    assert (signed.status, signed.qa_by) == (Status.VERIFIED, tutor)
    entry = AuditEntry.objects.get_for_object(signed).first()
    assert entry.changes["status"] == ["SIGNED_PAPER", "VERIFIED"]


def test_a_document_awaiting_signatures_cannot_be_verified(as_user, supervisor, enrolment):
    document = make(enrolment, supervisor)
    as_user(supervisor).post(doc_url(document, "verify/"))
    document.refresh_from_db()
    assert document.status == Status.CREATED


def test_rejecting_needs_a_reason(as_user, supervisor, signed):
    response = as_user(supervisor).post(doc_url(signed, "reject/"), {"reason": ""})
    assert response.status_code == 200
    signed.refresh_from_db()
    assert signed.status == Status.SIGNED_PAPER


def test_a_rejection_keeps_its_reason_for_the_profile(as_user, supervisor, learner, signed):
    client = as_user(supervisor)
    client.post(doc_url(signed, "reject/"), {"reason": "Employer signature missing"})
    signed.refresh_from_db()
    assert (signed.status, signed.rejection_reason) == (
        Status.REJECTED,
        "Employer signature missing",
    )
    body = client.get(f"/users/{learner.pk}/").content.decode()
    assert "Missing: rejected by QA (Employer signature missing)" in body


def test_colleague_may_not_reject(as_user, colleague, signed):
    assert as_user(colleague).get(doc_url(signed, "reject/")).status_code == 403


# --- the document page and download ------------------------------------------------------------


def test_document_page_shows_the_data_that_went_in_and_every_version(as_user, tutor, signed):
    body = as_user(tutor).get(doc_url(signed)).content.decode()
    assert "The data that went in" in body
    assert "John Smith" in body
    assert "Version 1" in body


def test_download_is_logged_and_out_of_scope_is_404(as_user, tutor, outsider, signed):
    assert as_user(outsider).get(doc_url(signed, "download/")).status_code == 404
    response = as_user(tutor).get(doc_url(signed, "download/"))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, object_pk=str(signed.pk)
    ).exists()


def test_the_list_page_shows_every_version(as_user, tutor, learner, signed):
    body = as_user(tutor).get(f"/compliance/learners/{learner.pk}/").content.decode()
    assert "Download signed.pdf" in body
    assert as_user(tutor).get(f"/compliance/learners/{learner.pk}/").status_code == 200
