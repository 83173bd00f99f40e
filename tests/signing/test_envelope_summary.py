"""The include other apps use to show an envelope's signers and links."""

from django.template.loader import render_to_string
from django.test import RequestFactory

from signing.models import Signer

from .conftest import sign, sign_all, signer_of


def _render(envelope, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "signing/_envelope_summary.html", {"envelope": envelope, "request": request}
    )


def test_the_summary_lists_signers_and_offers_the_viewer_their_own_row(envelope, tutor):
    sign(signer_of(envelope, Signer.Role.LEARNER))
    html = _render(envelope, tutor)
    assert "signed " in html
    assert "waiting" in html
    provider = signer_of(envelope, Signer.Role.PROVIDER)
    assert f"/users/{envelope.learner_id}/signatures/{provider.pk}/sign/" in html
    assert "Download signed PDF" not in html


def test_another_viewer_is_not_offered_someone_elses_row(envelope, colleague):
    assert "Sign now" not in _render(envelope, colleague)


def test_a_sealed_envelope_links_its_signed_pdf(envelope, tutor):
    envelope = sign_all(envelope, tutor)
    html = _render(envelope, tutor)
    assert f"/users/{envelope.learner_id}/signatures/{envelope.pk}/signed.pdf" in html
