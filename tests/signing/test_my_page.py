"""A learner or employer signed in to their own page (/me/) sees the documents waiting for their
signature, each with the same link their email carries, and nothing once they have signed."""

import datetime

import time_machine
from django.utils import timezone

from signing.models import Signer
from signing.tokens import make_token

from .conftest import sign, signer_of


def test_the_learner_sees_their_document_with_its_signing_link(as_user, learner, envelope):
    body = as_user(learner).get("/me/").content.decode()

    token = make_token(signer_of(envelope, Signer.Role.LEARNER))
    assert f'href="/sign/{token}/"' in body
    assert "Read and sign: Commitment statement" in body
    assert "No documents are waiting for your signature" not in body


def test_the_link_signs_as_the_email_does(as_user, learner, envelope):
    client = as_user(learner)
    token = make_token(signer_of(envelope, Signer.Role.LEARNER))
    response = client.post(
        f"/sign/{token}/", {"typed_name": learner.full_name, "consent": "on"}, follow=True
    )
    assert response.status_code == 200
    assert signer_of(envelope, Signer.Role.LEARNER).signed_at is not None
    assert "Read and sign" not in client.get("/me/").content.decode()


def test_the_employer_sees_only_their_own_row(as_user, employer, learner, envelope):
    body = as_user(employer).get("/me/").content.decode()
    assert make_token(signer_of(envelope, Signer.Role.EMPLOYER)) in body
    assert make_token(signer_of(envelope, Signer.Role.LEARNER)) not in body


def test_a_signed_document_is_no_longer_listed(as_user, learner, envelope):
    sign(signer_of(envelope, Signer.Role.LEARNER))
    body = as_user(learner).get("/me/").content.decode()
    assert "Read and sign" not in body
    assert "no documents are waiting for your signature" in body


def test_an_expired_link_says_to_ask_for_a_new_one(as_user, learner, envelope):
    later = timezone.now() + datetime.timedelta(days=15)
    with time_machine.travel(later):
        body = as_user(learner).get("/me/").content.decode()
    assert "your signing link has expired" in body
    assert "/sign/" not in body
