"""The sealed file proves itself: pyHanko's validator passes it, and one changed byte fails it."""

import io

import pytest
from pypdf import PdfReader

from audit.models import AuditEntry
from signing import services
from signing.models import Envelope, Signer
from signing.sealing import sha256_hex
from signing.signals import envelope_sealed

from .conftest import sign, sign_all, signer_of


def _sealed_bytes(envelope) -> bytes:
    with envelope.sealed_pdf.open("rb") as handle:
        return handle.read()


def test_the_last_signature_seals_the_document(envelope, tutor):
    envelope = sign_all(envelope, tutor)

    assert envelope.status == Envelope.Status.SEALED
    assert envelope.is_sealed
    assert envelope.sealed_at is not None
    data = _sealed_bytes(envelope)
    assert envelope.sealed_sha256 == sha256_hex(data)
    check = services.envelope_verify(envelope)
    assert check.intact, check.summary
    assert "development seal" in check.signer_subject
    assert check.signed_at is not None


def test_the_seal_is_a_pades_certification_forbidding_changes(envelope, tutor):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm

    envelope = sign_all(envelope, tutor)
    reader = PdfFileReader(io.BytesIO(_sealed_bytes(envelope)))
    (signature,) = reader.embedded_signatures
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.docmdp_level == MDPPerm.NO_CHANGES


def test_one_changed_byte_inside_the_signed_range_breaks_the_seal(envelope, tutor):
    envelope = sign_all(envelope, tutor)
    data = bytearray(_sealed_bytes(envelope))
    # A byte of the document's text stream, well inside the first signed range.
    at = data.index(b"stream") + 20
    data[at] ^= 0x01

    check = services.verify_pdf_bytes(bytes(data))

    assert not check.intact
    assert "changed" in check.summary or "damaged" in check.summary


def test_content_appended_after_the_seal_is_reported(envelope, tutor):
    envelope = sign_all(envelope, tutor)
    data = _sealed_bytes(envelope) + b"\n% appended\n"

    check = services.verify_pdf_bytes(data)

    assert not check.intact


def test_a_file_without_a_seal_is_not_intact(source_pdf):
    check = services.verify_pdf_bytes(source_pdf)
    assert not check.intact
    assert check.summary == "The file carries no seal."


def test_a_seal_by_another_certificate_is_not_trusted(envelope, tutor, settings, tmp_path):
    envelope = sign_all(envelope, tutor)
    data = _sealed_bytes(envelope)
    settings.SIGNING_DEV_CERT_DIR = tmp_path / "another"

    check = services.verify_pdf_bytes(data)

    assert not check.intact
    assert "not the provider" in check.summary


def test_the_signature_page_lists_every_signer_their_ip_and_the_hash(envelope, tutor, source_pdf):
    envelope = sign_all(envelope, tutor)
    reader = PdfReader(io.BytesIO(_sealed_bytes(envelope)))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(source_pdf)).pages) + 1
    text = reader.pages[-1].extract_text()
    flat = "".join(text.split())

    for signer in envelope.signers.all():
        assert signer.name in text
        assert signer.ip_address in text
        assert signer.signed_sha256 == sha256_hex(source_pdf)
    assert sha256_hex(source_pdf) in flat
    for address in ("203.0.113.5", "198.51.100.7", "192.0.2.9"):
        assert address in text


def test_a_failing_listener_rolls_the_seal_and_the_last_signature_back(envelope, tutor):
    sign(signer_of(envelope, Signer.Role.LEARNER))
    sign(signer_of(envelope, Signer.Role.EMPLOYER))

    def refuse(sender, envelope, **kwargs):
        raise RuntimeError("listener failed")

    envelope_sealed.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            sign(signer_of(envelope, Signer.Role.PROVIDER), actor=tutor)
    finally:
        envelope_sealed.disconnect(refuse)

    envelope.refresh_from_db()
    assert envelope.status == Envelope.Status.OPEN
    assert not signer_of(envelope, Signer.Role.PROVIDER).is_signed


def test_the_sealed_signal_names_the_envelope(envelope, tutor):
    received = []

    def listener(sender, envelope, **kwargs):
        received.append((sender, envelope.pk, envelope.status))

    envelope_sealed.connect(listener)
    try:
        sign_all(envelope, tutor)
    finally:
        envelope_sealed.disconnect(listener)
    assert received == [(Envelope, envelope.pk, Envelope.Status.SEALED)]


def test_sealing_is_on_the_learners_audit_trail(envelope, tutor, learner):
    envelope = sign_all(envelope, tutor)
    entries = AuditEntry.objects.get_for_object(envelope).filter(learner=learner)
    assert any("status" in (e.changes_dict or {}) for e in entries)
