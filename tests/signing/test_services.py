"""The signing services: who may sign what, once, in time; resend and void; the audit trail."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from signing import services, tokens
from signing.models import Envelope, Signer
from signing.sealing import sha256_hex
from signing.services import SignerSpec, SigningRefused
from users.email_models import OutboundEmail

from .conftest import sign, signer_of


def test_creating_emails_a_link_to_everyone_but_the_actor(envelope, tutor):
    emails = OutboundEmail.objects.order_by("pk")
    assert [e.address for e in emails] == ["john.smith@example.com", "erin@acme.example"]
    assert all("https://portal.example.org/sign/" in e.text_body for e in emails)
    provider = signer_of(envelope, Signer.Role.PROVIDER)
    assert provider.link_sent_at is None
    learner_row = signer_of(envelope, Signer.Role.LEARNER)
    assert learner_row.link_expires_at - learner_row.link_sent_at == datetime.timedelta(days=14)
    assert envelope.status == Envelope.Status.OPEN
    assert envelope.pending_signers() == list(envelope.signers.all())
    assert envelope.next_for(tutor) == provider


def test_creating_is_audited_on_the_learners_trail(envelope, tutor, learner):
    entries = AuditEntry.objects.filter(learner=learner, action=AuditEntry.Action.CREATE)
    assert entries.filter(content_type__model="envelope", actor=tutor).count() == 1
    assert entries.filter(content_type__model="signer", actor=tutor).count() == 3


def test_only_a_pdf_can_be_signed(learner, tutor):
    with pytest.raises(ValueError, match="PDF"):
        services.envelope_create(
            learner=learner,
            title="Not a PDF",
            pdf=b"MZ executable",
            signers=[SignerSpec(Signer.Role.PROVIDER, tutor.full_name, tutor.email, tutor)],
            actor=tutor,
        )
    assert not Envelope.objects.exists()


def test_a_signature_records_who_when_where_and_the_hash(envelope, source_pdf):
    signer = sign(signer_of(envelope, Signer.Role.LEARNER))
    signer.refresh_from_db()
    assert signer.signed_at is not None
    assert signer.typed_name == "John Smith"
    assert signer.ip_address == "203.0.113.5"
    assert signer.user_agent == "Test browser"
    assert signer.signed_sha256 == sha256_hex(source_pdf)
    entry = AuditEntry.objects.get_for_object(signer).filter(action=AuditEntry.Action.UPDATE)
    assert entry.filter(learner=envelope.learner).exists()


def test_the_typed_name_is_compared_ignoring_case_and_spaces(envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    services.signer_sign(
        signer=signer, typed_name="  john   SMITH ", consent=True, ip=None, user_agent=""
    )
    signer.refresh_from_db()
    assert signer.is_signed
    assert signer.typed_name == "john SMITH"


@pytest.mark.parametrize(
    ("typed_name", "consent", "message"),
    [
        ("", True, "Type your full name"),
        ("   ", True, "Type your full name"),
        ("Jon Smith", True, "exactly as shown"),
        ("John Smith", False, "Tick the box"),
    ],
)
def test_bad_input_is_refused_and_nothing_recorded(envelope, typed_name, consent, message):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    with pytest.raises(SigningRefused, match=message):
        services.signer_sign(
            signer=signer, typed_name=typed_name, consent=consent, ip="1.2.3.4", user_agent="x"
        )
    signer.refresh_from_db()
    assert not signer.is_signed
    assert signer.ip_address is None


def test_a_signer_signs_only_once(envelope):
    signer = sign(signer_of(envelope, Signer.Role.LEARNER))
    with pytest.raises(SigningRefused, match="already been signed"):
        sign(signer)


def test_a_link_signature_after_expiry_is_refused(envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    later = timezone.now() + datetime.timedelta(days=14, minutes=1)
    with time_machine.travel(later), pytest.raises(SigningRefused, match="expired"):
        sign(signer)


def test_inside_the_portal_only_the_named_person_signs(envelope, colleague):
    signer = signer_of(envelope, Signer.Role.PROVIDER)
    with pytest.raises(SigningRefused, match="Only the named signer"):
        sign(signer, actor=colleague)


def test_a_voided_envelope_cannot_be_signed_and_its_links_stop(envelope, tutor):
    token = tokens.make_token(signer_of(envelope, Signer.Role.LEARNER))
    services.envelope_void(envelope=envelope, reason="Data changed", actor=tutor)
    envelope.refresh_from_db()
    assert envelope.status == Envelope.Status.VOIDED
    assert tokens.check_token(token).problem == tokens.Problem.VOIDED
    with pytest.raises(SigningRefused, match="no longer be signed"):
        sign(signer_of(envelope, Signer.Role.LEARNER))
    entry = AuditEntry.objects.get_for_object(envelope).filter(actor=tutor).first()
    assert "status" in entry.changes_dict


def test_a_sealed_envelope_is_never_voided(envelope, tutor):
    for role in (Signer.Role.LEARNER, Signer.Role.EMPLOYER):
        sign(signer_of(envelope, role))
    sign(signer_of(envelope, Signer.Role.PROVIDER), actor=tutor)
    with pytest.raises(SigningRefused, match="cannot be withdrawn"):
        services.envelope_void(envelope=envelope, reason="Oops", actor=tutor)
    envelope.refresh_from_db()
    assert envelope.is_sealed


def test_resending_rotates_the_link_and_emails_again(envelope, tutor):
    signer = signer_of(envelope, Signer.Role.EMPLOYER)
    old = tokens.make_token(signer)
    sent_before = OutboundEmail.objects.count()

    services.signer_resend(signer=signer, actor=tutor)

    signer.refresh_from_db()
    assert tokens.check_token(old).problem == tokens.Problem.SUPERSEDED
    assert tokens.check_token(tokens.make_token(signer)).signer == signer
    assert OutboundEmail.objects.count() == sent_before + 1
    entry = AuditEntry.objects.get_for_object(signer).filter(actor=tutor).first()
    assert "link_expires_at" in entry.changes_dict


def test_a_signed_signer_gets_no_new_link(envelope, tutor):
    signer = sign(signer_of(envelope, Signer.Role.LEARNER))
    with pytest.raises(SigningRefused, match="already signed"):
        services.signer_resend(signer=signer, actor=tutor)


def test_the_signing_link_is_absolute_and_carries_no_readable_pk(envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    link = services.signing_link(signer)
    assert link.startswith("https://portal.example.org/sign/")
    assert tokens.check_token(link.rstrip("/").rsplit("/", 1)[-1]).signer == signer


def test_tokens_refuse_forgeries_and_other_salts(envelope):
    from django.core import signing

    signer = signer_of(envelope, Signer.Role.LEARNER)
    forged = signing.dumps({"s": signer.pk, "n": signer.token_nonce}, salt="users.invitation")
    assert tokens.check_token(forged).problem == tokens.Problem.INVALID
    assert tokens.check_token("nonsense").problem == tokens.Problem.INVALID
    assert tokens.check_token(tokens.make_token(signer) + "x").problem == tokens.Problem.INVALID
    guessed = signing.dumps({"s": signer.pk, "n": "guess"}, salt=tokens.SALT)
    assert tokens.check_token(guessed).problem == tokens.Problem.SUPERSEDED


def test_a_link_expires_after_the_settings_days(envelope):
    token = tokens.make_token(signer_of(envelope, Signer.Role.LEARNER))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=13, hours=23)):
        assert tokens.check_token(token).problem is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        assert tokens.check_token(token).problem == tokens.Problem.EXPIRED
