"""The envelope page, an administrator signing inside the portal, resend and the download."""

import pytest

from audit.models import AuditEntry
from signing import services, tokens
from signing.models import Envelope, Signer
from users.email_models import OutboundEmail

from .conftest import sign, sign_all, signer_of


def _urls(envelope):
    pk, env = envelope.learner_id, envelope.pk
    provider = envelope.signers.filter(role=Signer.Role.PROVIDER).first() or Signer(pk=0)
    return {
        "page": f"/users/{pk}/signatures/{env}/",
        "pdf": f"/users/{pk}/signatures/{env}/document.pdf",
        "sign": f"/users/{pk}/signatures/{provider.pk}/sign/",
        "download": f"/users/{pk}/signatures/{env}/signed.pdf",
    }


@pytest.mark.parametrize("name", ["page", "pdf", "sign", "download"])
def test_anonymous_is_sent_to_sign_in(client, envelope, name):
    response = client.get(_urls(envelope)[name])
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("name", ["page", "pdf", "sign", "download"])
def test_an_outsider_gets_404(as_user, envelope, outsider, name):
    assert as_user(outsider).get(_urls(envelope)[name]).status_code == 404


def test_a_learner_signed_in_is_refused_the_portal_pages(as_user, envelope, learner):
    assert as_user(learner).get(_urls(envelope)["page"]).status_code == 403


def test_another_administrator_cannot_open_someone_elses_signer_row(as_user, envelope, colleague):
    client = as_user(colleague)
    assert client.get(_urls(envelope)["page"]).status_code == 200
    assert client.get(_urls(envelope)["sign"]).status_code == 404
    response = client.post(_urls(envelope)["sign"], {"typed_name": "Tara Tutor", "consent": "on"})
    assert response.status_code == 404
    assert not signer_of(envelope, Signer.Role.PROVIDER).is_signed


def test_a_learners_row_cannot_be_signed_through_the_portal_url(as_user, envelope, tutor):
    learner_row = signer_of(envelope, Signer.Role.LEARNER)
    url = f"/users/{envelope.learner_id}/signatures/{learner_row.pk}/sign/"
    assert as_user(tutor).get(url).status_code == 404


def test_the_administrator_signs_inside_the_portal(as_user, envelope, tutor):
    client = as_user(tutor)
    page = client.get(_urls(envelope)["sign"])
    assert page.status_code == 200
    assert f'src="{_urls(envelope)["pdf"]}"' in page.content.decode()

    response = client.post(
        _urls(envelope)["sign"],
        {"typed_name": "tara tutor", "consent": "on"},
        REMOTE_ADDR="192.0.2.44",
    )

    assert response.status_code == 302
    assert response["Location"] == _urls(envelope)["page"]
    signer = signer_of(envelope, Signer.Role.PROVIDER)
    assert signer.is_signed
    assert signer.ip_address == "192.0.2.44"
    entry = AuditEntry.objects.get_for_object(signer).filter(actor=tutor).first()
    assert "signed_at" in entry.changes_dict
    assert entry.remote_addr == "192.0.2.44"
    # Signed: the row is no longer offered.
    assert client.get(_urls(envelope)["sign"]).status_code == 404


def test_bad_input_in_the_portal_rerenders_and_saves_nothing(as_user, envelope, tutor):
    response = as_user(tutor).post(_urls(envelope)["sign"], {"typed_name": "Tara"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "exactly as shown" in html or "Tick the box" in html
    assert not signer_of(envelope, Signer.Role.PROVIDER).is_signed


def test_the_envelope_page_lists_signers_and_offers_resend_and_sign(as_user, envelope, tutor):
    sign(signer_of(envelope, Signer.Role.LEARNER))
    html = as_user(tutor).get(_urls(envelope)["page"]).content.decode()
    assert "Signed " in html
    assert "203.0.113.5" in html
    assert "Resend link" in html
    assert _urls(envelope)["sign"] in html
    assert "Download signed PDF" not in html


def test_a_sealed_envelope_shows_its_seal_verified_on_every_load(as_user, envelope, tutor):
    sign_all(envelope, tutor)
    html = as_user(tutor).get(_urls(envelope)["page"]).content.decode()
    assert "Seal verified:</strong> the file is intact and signed by" in html
    assert "development seal" in html
    assert "Download signed PDF" in html


def test_a_changed_sealed_file_shows_the_seal_broken(as_user, envelope, tutor):
    envelope = sign_all(envelope, tutor)
    path = envelope.sealed_pdf.path
    with open(path, "rb") as handle:
        data = bytearray(handle.read())
    data[data.index(b"stream") + 20] ^= 0x01
    with open(path, "wb") as handle:
        handle.write(bytes(data))

    html = as_user(tutor).get(_urls(envelope)["page"]).content.decode()

    assert "Seal BROKEN" in html
    assert "alert-danger" in html


def test_the_sealed_download_is_logged(as_user, envelope, tutor):
    sign_all(envelope, tutor)
    response = as_user(tutor).get(_urls(envelope)["download"])
    assert response.status_code == 200
    assert services.verify_pdf_bytes(b"".join(response.streaming_content)).intact
    entry = AuditEntry.objects.get_for_object(envelope).get(action=AuditEntry.Action.ACCESS)
    assert entry.actor == tutor


def test_an_unsealed_envelope_has_no_download(as_user, envelope, tutor):
    assert as_user(tutor).get(_urls(envelope)["download"]).status_code == 404


def _resend_url(envelope, signer):
    return f"/users/{envelope.learner_id}/signatures/{envelope.pk}/signers/{signer.pk}/resend/"


def test_resend_needs_the_edit_permission(as_user, envelope, colleague):
    signer = signer_of(envelope, Signer.Role.EMPLOYER)
    assert as_user(colleague).post(_resend_url(envelope, signer)).status_code == 403


def test_resend_for_an_outsider_is_404_and_anonymous_to_sign_in(
    client, as_user, envelope, outsider
):
    signer = signer_of(envelope, Signer.Role.EMPLOYER)
    assert client.post(_resend_url(envelope, signer)).status_code == 302
    assert as_user(outsider).post(_resend_url(envelope, signer)).status_code == 404


def test_resend_sends_a_new_link_and_is_audited(as_user, envelope, tutor):
    signer = signer_of(envelope, Signer.Role.EMPLOYER)
    old = tokens.make_token(signer)
    before = OutboundEmail.objects.count()

    response = as_user(tutor).post(_resend_url(envelope, signer), REMOTE_ADDR="203.0.113.20")

    assert response.status_code == 302
    assert OutboundEmail.objects.count() == before + 1
    assert tokens.check_token(old).problem == tokens.Problem.SUPERSEDED
    entry = AuditEntry.objects.get_for_object(signer).filter(actor=tutor).first()
    assert entry.remote_addr == "203.0.113.20"


def test_resend_for_a_signed_signer_says_why(as_user, envelope, tutor):
    signer = sign(signer_of(envelope, Signer.Role.LEARNER))
    response = as_user(tutor).post(_resend_url(envelope, signer), follow=True)
    assert "has already signed" in response.content.decode()


def test_the_envelope_page_runs_a_fixed_number_of_queries(
    as_user, envelope, tutor, django_assert_max_num_queries
):
    client = as_user(tutor)
    with django_assert_max_num_queries(12):
        assert client.get(_urls(envelope)["page"]).status_code == 200


def test_the_envelope_page_query_count_does_not_grow_with_signers(
    as_user, learner, tutor, source_pdf, django_assert_max_num_queries
):
    specs = [
        services.SignerSpec(Signer.Role.EMPLOYER, f"Person {i}", f"p{i}@example.org")
        for i in range(12)
    ]
    many = services.envelope_create(
        learner=learner, title="Many", pdf=source_pdf, signers=specs, actor=tutor
    )
    client = as_user(tutor)
    with django_assert_max_num_queries(12):
        assert client.get(_urls(many)["page"]).status_code == 200


def test_a_voided_envelope_page_says_so(as_user, envelope, tutor):
    services.envelope_void(envelope=envelope, reason="Regenerated", actor=tutor)
    html = as_user(tutor).get(_urls(envelope)["page"]).content.decode()
    assert Envelope.Status.VOIDED.label in html
    assert "Resend link" not in html
