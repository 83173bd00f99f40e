"""Compliance documents signed electronically: the envelope a new document opens, the status
following each signature, the sealed PDF filed in the learner's Documents, regenerating and
reminders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from compliance import bulk, services
from compliance.models import ComplianceDocument
from documents.models import Document
from signing import services as signing
from signing import tokens
from signing.models import Envelope, Signer
from tests.compliance.factories import kind, required_enrolment
from tests.factories import UserFactory
from users.email_models import OutboundEmail

Status = ComplianceDocument.Status


@pytest.fixture(scope="session")
def seal_dir(tmp_path_factory):
    # One development certificate for the whole run: making an RSA key takes a moment.
    return tmp_path_factory.mktemp("compliance-signing-cert")


@pytest.fixture(autouse=True)
def signing_settings(settings, tmp_path, seal_dir):
    settings.SIGNING_DEV_CERT_DIR = seal_dir
    settings.SIGNING_CERT_FILE = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://portal.example.org"
    return settings


@pytest.fixture
def employer(db):
    return UserFactory(
        first_name="Erin", last_name="Boss", email="erin@acme.example", user_type="EMPLOYER"
    )


@pytest.fixture
def enrolment(learner, employer):
    learner.manager = employer
    learner.save()
    return required_enrolment(learner)


def create(enrolment, actor) -> ComplianceDocument:
    return services.compliance_document_create(
        enrolment=enrolment, document_type=kind(), actor=actor
    )


def row(document, role) -> Signer:
    return document.envelope.signers.get(role=role)


def sign(signer: Signer, actor=None) -> None:
    signing.signer_sign(
        signer=signer,
        typed_name=signer.name,
        consent=True,
        ip="203.0.113.5",
        user_agent="T",
        actor=actor,
    )


def status(document) -> str:
    document.refresh_from_db()
    return document.status


def test_creating_opens_an_envelope_for_learner_employer_and_creator(tutor, learner, enrolment):
    document = create(enrolment, tutor)
    envelope = document.envelope
    assert envelope.title == "Commitment Statement (version 1)"
    signers = [(s.role, s.name, s.email, s.user_id) for s in envelope.signers.all()]
    assert signers == [
        (Signer.Role.LEARNER, "John Smith", "john.smith@example.com", learner.pk),
        (Signer.Role.EMPLOYER, "Erin Boss", "erin@acme.example", learner.manager_id),
        (Signer.Role.PROVIDER, tutor.full_name, tutor.email, tutor.pk),
    ]
    emails = OutboundEmail.objects.order_by("pk")
    assert [e.address for e in emails] == ["john.smith@example.com", "erin@acme.example"]
    assert document.status == Status.CREATED
    with document.file.open("rb") as made, envelope.source_pdf.open("rb") as to_sign:
        assert made.read() == to_sign.read()


def test_without_an_employer_email_the_employer_is_left_out_and_the_page_says_so(
    as_user, tutor, learner, enrolment, employer
):
    employer.email = ""
    employer.save()
    document = create(enrolment, tutor)
    roles = [s.role for s in document.envelope.signers.all()]
    assert roles == [Signer.Role.LEARNER, Signer.Role.PROVIDER]
    body = as_user(tutor).get(f"/compliance/learners/{learner.pk}/documents/{document.pk}/")
    assert "the employer does not sign this document electronically" in body.content.decode()


def test_the_status_follows_each_signature_and_the_seal_files_the_pdf(tutor, learner, enrolment):
    document = create(enrolment, tutor)
    sign(row(document, Signer.Role.PROVIDER), actor=tutor)
    assert status(document) == Status.WAITING
    sign(row(document, Signer.Role.LEARNER))
    assert status(document) == Status.WAITING
    assert not Document.objects.exists()
    sign(row(document, Signer.Role.EMPLOYER))
    assert status(document) == Status.SIGNED
    filed = document.signed_document
    assert filed.folder == Document.Folder.COMPLIANCE
    assert filed.visible_to_learner
    assert filed.learner == learner
    assert filed.description == "Commitment Statement (signed, version 1)"
    with filed.file.open("rb") as handle:
        check = signing.verify_pdf_bytes(handle.read())
    assert check.intact
    # On the learner's trail: the envelope sent, each signature, the seal, the status changes.
    trail = AuditEntry.objects.filter(learner=learner)
    envelope_entries = trail.filter(content_type__model="envelope")
    assert envelope_entries.filter(action=AuditEntry.Action.CREATE, actor=tutor).count() == 1
    assert envelope_entries.filter(action=AuditEntry.Action.UPDATE).exists()
    signed = trail.filter(content_type__model="signer", action=AuditEntry.Action.UPDATE)
    assert signed.values("object_id").distinct().count() == 3
    changes = trail.filter(
        content_type__model="compliancedocument", action=AuditEntry.Action.UPDATE
    )
    assert changes.count() == 2  # WAITING, then SIGNED


def test_signing_first_by_others_leaves_the_providers_signature_required(tutor, enrolment):
    document = create(enrolment, tutor)
    sign(row(document, Signer.Role.LEARNER))
    sign(row(document, Signer.Role.EMPLOYER))
    assert status(document) == Status.CREATED
    sign(row(document, Signer.Role.PROVIDER), actor=tutor)
    assert status(document) == Status.SIGNED


def test_the_header_count_drops_when_signed(as_user, tutor, learner, enrolment):
    document = create(enrolment, tutor)
    client = as_user(tutor)
    assert "1 document needs signatures" in client.get(f"/users/{learner.pk}/").content.decode()
    for role in (Signer.Role.LEARNER, Signer.Role.EMPLOYER):
        sign(row(document, role))
    sign(row(document, Signer.Role.PROVIDER), actor=tutor)
    assert "needs signatures" not in client.get(f"/users/{learner.pk}/").content.decode()


def test_the_section_and_page_offer_sign_now_then_the_seal_check(
    as_user, tutor, learner, enrolment
):
    document = create(enrolment, tutor)
    client = as_user(tutor)
    provider = row(document, Signer.Role.PROVIDER)
    sign_url = f"/users/{learner.pk}/signatures/{provider.pk}/sign/"
    page_url = f"/compliance/learners/{learner.pk}/documents/{document.pk}/"
    assert sign_url in client.get(f"/users/{learner.pk}/").content.decode()
    assert sign_url in client.get(page_url).content.decode()
    for role in (Signer.Role.LEARNER, Signer.Role.EMPLOYER):
        sign(row(document, role))
    sign(provider, actor=tutor)
    body = client.get(page_url).content.decode()
    assert sign_url not in body
    assert "Check the seal of the signed document" in body
    assert f"/users/{learner.pk}/signatures/{document.envelope_id}/" in body


def test_regenerating_voids_the_old_link_and_keeps_the_old_version(
    client, as_user, tutor, learner, enrolment
):
    first = create(enrolment, tutor)
    old_link = f"/sign/{tokens.make_token(row(first, Signer.Role.LEARNER))}/"
    assert client.get(old_link).status_code == 200
    second = create(enrolment, tutor)
    first.refresh_from_db()
    assert first.status == Status.SUPERSEDED
    assert first.envelope.status == Envelope.Status.VOIDED
    assert second.envelope.status == Envelope.Status.OPEN
    assert client.get(old_link).status_code == 410
    download = as_user(tutor).get(
        f"/compliance/learners/{learner.pk}/documents/{first.pk}/download/"
    )
    assert download.status_code == 200


def test_a_sealed_envelope_is_never_voided_by_a_new_version(tutor, enrolment):
    first = create(enrolment, tutor)
    for role in (Signer.Role.LEARNER, Signer.Role.EMPLOYER):
        sign(row(first, role))
    sign(row(first, Signer.Role.PROVIDER), actor=tutor)
    create(enrolment, tutor)
    first.refresh_from_db()
    assert first.envelope.status == Envelope.Status.SEALED
    assert first.status == Status.SUPERSEDED
    assert first.signed_document.deleted_at is None


def test_reminders_send_new_links_to_the_others_only(tutor, learner, enrolment):
    document = create(enrolment, tutor)
    learner_row = row(document, Signer.Role.LEARNER)
    old_link = tokens.make_token(learner_row)
    before = OutboundEmail.objects.count()
    done, what = bulk._remind(enrolment, kind(), tutor)
    assert (done, what) == (True, "reminded 2 signers")
    assert OutboundEmail.objects.count() == before + 2
    learner_row.refresh_from_db()
    assert tokens.make_token(learner_row) != old_link
    assert tokens.check_token(old_link).problem is not None
    entry = AuditEntry.objects.get_for_object(learner_row).filter(actor=tutor).last()
    assert entry is not None
    assert entry.learner_id == learner.pk


def test_reminders_skip_when_only_the_providers_signature_is_missing(tutor, enrolment):
    document = create(enrolment, tutor)
    for role in (Signer.Role.LEARNER, Signer.Role.EMPLOYER):
        sign(row(document, role))
    done, what = bulk._remind(enrolment, kind(), tutor)
    assert not done
    assert what == "skipped because only the provider's signature in the portal is missing"


def _profile_queries(client, learner) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/users/{learner.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_the_section_shows_the_signers_in_a_fixed_number_of_queries(
    as_user, tutor, learner, enrolment
):
    create(enrolment, tutor)
    client = as_user(tutor)
    small = _profile_queries(client, learner)
    enrolment.programme.compliance_requirements.create(document_type=kind("written-agreement"))
    services.compliance_document_create(
        enrolment=enrolment, document_type=kind("written-agreement"), actor=tutor
    )
    create(enrolment, tutor)
    assert _profile_queries(client, learner) == small
