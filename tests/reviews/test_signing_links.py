"""A completed review's emailed signing links: the learner's and the employer's each open their
own review only, sign only their own row, once, and not after the link has expired or the
review was changed (a new revision)."""

import datetime

import time_machine
from django.utils import timezone

from reviews import services
from reviews.models import Review
from signing import tokens
from signing.models import Signer
from tests.factories import UserFactory

from .factories import current_enrolment, questions, review_template

SIGN = {"consent": "on"}


def _completed(tutor, enrolment, template, answer="Good progress") -> Review:
    review = services.review_start(
        enrolment=enrolment,
        template=template,
        meeting_type="VIDEO",
        checklist_done=template.checklist_items(),
        actor=tutor,
    )
    q = questions(template)
    return services.review_complete(
        review=review,
        answers={q["What went well?"].pk: answer, q["Confidence"].pk: "4"},
        actions=[],
        held_on=timezone.localdate(),
        duration_minutes=30,
        based_on_version=review.version,
        actor=tutor,
    )


def _signer(review: Review, role: str) -> Signer:
    return review.envelope.signers.get(role=role)


def _url(signer: Signer) -> str:
    return f"/sign/{tokens.make_token(signer)}/"


def test_each_link_opens_its_own_review_and_signs_only_its_own_row(
    client, tutor, tree, enrolment, template
):
    other_learner = UserFactory(first_name="Ola", last_name="Other", groups=[tree["cohort"]])
    other_enrolment = current_enrolment(other_learner)
    other_review = _completed(
        tutor, other_enrolment, review_template(other_enrolment.programme), "Other's answer"
    )
    review = _completed(tutor, enrolment, template)

    for role, name in ((Signer.Role.LEARNER, "John Smith"), (Signer.Role.EMPLOYER, "Erin Boss")):
        signer = _signer(review, role)
        page = client.get(_url(signer)).content.decode()
        assert "Good progress" in page
        assert "Other's answer" not in page
        response = client.post(_url(signer), SIGN | {"typed_name": name})
        assert response.status_code == 302
        signer.refresh_from_db()
        assert signer.is_signed

    assert not other_review.envelope.signers.filter(signed_at__isnull=False).exists()
    assert not _signer(review, Signer.Role.PROVIDER).is_signed
    review.refresh_from_db()
    assert review.status == Review.Status.AWAITING_SIGNATURES


def test_a_used_link_signs_nothing_twice(client, tutor, enrolment, template):
    signer = _signer(_completed(tutor, enrolment, template), Signer.Role.LEARNER)
    client.post(_url(signer), SIGN | {"typed_name": "John Smith"})
    signer.refresh_from_db()
    first = signer.signed_at
    again = client.post(_url(signer), SIGN | {"typed_name": "John Smith"})
    assert again.status_code != 302
    signer.refresh_from_db()
    assert signer.signed_at == first


def test_an_expired_link_is_refused(client, tutor, enrolment, template):
    signer = _signer(_completed(tutor, enrolment, template), Signer.Role.LEARNER)
    url = _url(signer)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = client.post(url, SIGN | {"typed_name": "John Smith"})
    assert response.status_code >= 400
    signer.refresh_from_db()
    assert not signer.is_signed


def test_a_link_to_a_revision_that_was_changed_no_longer_signs(
    as_user, client, tutor, enrolment, template
):
    review = _completed(tutor, enrolment, template)
    old = _signer(review, Signer.Role.LEARNER)
    url = _url(old)
    q = questions(template)
    services.review_revise(
        review=review,
        answers={q["What went well?"].pk: "Changed after sending", q["Confidence"].pk: "3"},
        based_on_version=review.version,
        actor=tutor,
    )
    response = client.post(url, SIGN | {"typed_name": "John Smith"})
    assert response.status_code >= 400
    old.refresh_from_db()
    assert not old.is_signed
