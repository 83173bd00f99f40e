"""The signing page an emailed link opens: no sign-in, one signer's row, once, in time."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from signing import services, tokens
from signing.models import Signer

from .conftest import DOCUMENT_TEXT, sign, signer_of

GOOD = {"typed_name": "John Smith", "consent": "on"}


def _url(signer: Signer) -> str:
    return f"/sign/{tokens.make_token(signer)}/"


def test_the_link_opens_without_signing_in_and_shows_the_document_and_its_text(client, envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    response = client.get(_url(signer))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Commitment statement" in html
    assert f'src="{_url(signer)}document.pdf"' in html
    assert DOCUMENT_TEXT in html
    assert "Type your full name" in html
    assert "I have read this document and agree to sign it electronically" in html


def test_the_embedded_pdf_is_served_inline_framable_by_the_portal_and_logged(client, envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    response = client.get(_url(signer) + "document.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AuditEntry.objects.get_for_object(envelope).get(action=AuditEntry.Action.ACCESS)
    assert "Opened for signing by John Smith" in str(entry.changes_dict)


def test_signing_records_the_signature_and_thanks_the_signer(client, envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    response = client.post(
        _url(signer), GOOD, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="Phone browser"
    )
    assert response.status_code == 302
    assert response["Location"] == "/sign/done/"
    signer.refresh_from_db()
    assert signer.is_signed
    assert signer.ip_address == "203.0.113.77"
    assert signer.user_agent == "Phone browser"
    page = client.get("/sign/done/")
    assert "Thank you, you have signed" in page.content.decode()
    assert "What happens next" in page.content.decode()


def test_the_last_signer_by_link_can_download_the_sealed_file(client, envelope, tutor):
    sign(signer_of(envelope, Signer.Role.LEARNER))
    sign(signer_of(envelope, Signer.Role.PROVIDER), actor=tutor)
    employer = signer_of(envelope, Signer.Role.EMPLOYER)
    client.post(_url(employer), {"typed_name": "Erin Boss", "consent": "on"})
    page = client.get("/sign/done/")
    assert "/sign/done/signed.pdf" in page.content.decode()
    download = client.get("/sign/done/signed.pdf")
    assert download.status_code == 200
    assert services.verify_pdf_bytes(b"".join(download.streaming_content)).intact


def test_the_done_page_needs_a_signature_in_this_browser(client, db):
    assert client.get("/sign/done/").status_code == 404
    assert client.get("/sign/done/signed.pdf").status_code == 404


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"typed_name": "", "consent": "on"}, "Type your full name to sign."),
        ({"typed_name": "Someone Else", "consent": "on"}, "exactly as shown: John Smith"),
        ({"typed_name": "John Smith"}, "Tick the box to confirm"),
    ],
)
def test_bad_input_shows_an_error_and_records_nothing(client, envelope, data, error):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    before = AuditEntry.objects.count()
    response = client.post(_url(signer), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert "There is a problem" in response.content.decode()
    signer.refresh_from_db()
    assert not signer.is_signed
    assert AuditEntry.objects.count() == before


def test_a_link_works_once(client, envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    url = _url(signer)
    client.post(url, GOOD)
    again = client.get(url)
    assert again.status_code == 410
    assert "This document has already been signed" in again.content.decode()
    assert client.post(url, GOOD).status_code == 410


def test_an_expired_link_is_gone_and_records_nothing(client, envelope):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    url = _url(signer)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = client.post(url, GOOD)
        assert client.get(url + "document.pdf").status_code == 404
    assert response.status_code == 410
    assert "This signing link has expired" in response.content.decode()
    signer.refresh_from_db()
    assert not signer.is_signed


def test_a_resent_link_replaces_the_old_one(client, envelope, tutor):
    signer = signer_of(envelope, Signer.Role.LEARNER)
    old = _url(signer)
    services.signer_resend(signer=signer, actor=tutor)
    signer.refresh_from_db()
    response = client.get(old)
    assert response.status_code == 410
    assert "has been replaced" in response.content.decode()
    assert client.get(_url(signer)).status_code == 200


def test_a_voided_envelopes_link_says_it_was_withdrawn(client, envelope, tutor):
    url = _url(signer_of(envelope, Signer.Role.LEARNER))
    services.envelope_void(envelope=envelope, reason="Regenerated", actor=tutor)
    response = client.get(url)
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "eyJzIjo5OTksIm4iOiJ4In0:1xYY1y:forged"])
def test_a_bad_token_is_a_clear_404(client, db, token):
    response = client.get(f"/sign/{token}/")
    assert response.status_code == 404
    assert "This signing link is not valid" in response.content.decode()
    assert client.get(f"/sign/{token}/document.pdf").status_code == 404


def test_one_signers_link_never_signs_another_signers_row(client, envelope):
    learner_row = signer_of(envelope, Signer.Role.LEARNER)
    employer_row = signer_of(envelope, Signer.Role.EMPLOYER)
    # The employer's link with the learner's name (and a smuggled signer field) signs nothing
    # of the learner's.
    response = client.post(
        _url(employer_row), {**GOOD, "signer": learner_row.pk, "signer_pk": learner_row.pk}
    )
    assert response.status_code == 400
    learner_row.refresh_from_db()
    employer_row.refresh_from_db()
    assert not learner_row.is_signed
    assert not employer_row.is_signed


def test_csrf_is_checked_on_the_link_page(envelope):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    signer = signer_of(envelope, Signer.Role.LEARNER)
    assert client.post(_url(signer), GOOD).status_code == 403
    signer.refresh_from_db()
    assert not signer.is_signed
