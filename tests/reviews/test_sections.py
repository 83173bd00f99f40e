"""The Reviews and Review documents sections of the profile, their full pages, and the fixed
number of queries each costs at two data sizes."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.models import Document
from documents.services import document_add
from portal.sections import SECTIONS
from reviews import services
from reviews.models import Review
from signing.models import Signer

from .test_conduct import sign, started


def profile(client, learner) -> str:
    response = client.get(f"/users/{learner.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def held(tutor, enrolment, template, sign_it=False) -> Review:
    review = started(tutor, enrolment, template)
    review = services.review_complete(
        review=review,
        answers={},
        actions=[],
        held_on=timezone.localdate() - datetime.timedelta(days=3),
        duration_minutes=40,
        based_on_version=review.version,
        actor=tutor,
    )
    if sign_it:
        for signer in review.envelope.signers.all():
            sign(signer, actor=tutor if signer.role == Signer.Role.PROVIDER else None)
        review.refresh_from_db()
    return review


def plan(tutor, enrolment, days=10) -> Review:
    return services.review_plan(
        enrolment=enrolment,
        planned_for=timezone.localdate() + datetime.timedelta(days=days),
        conductor=tutor,
        template=None,
        actor=tutor,
    )


def test_the_profile_shows_the_last_review_and_the_outstanding_count(
    as_user, tutor, learner, enrolment, template
):
    held(tutor, enrolment, template)
    plan(tutor, enrolment)
    body = profile(as_user(tutor), learner)
    assert "Last review:" in body
    assert "1 outstanding." in body
    assert "Awaiting signatures" in body
    assert "Plan a review" in body


def test_the_sections_come_where_the_seed_lists_them():
    keys = [section.key for section in SECTIONS]
    assert keys.index("people") < keys.index("reviews") < keys.index("milestones")
    assert keys.index("compliance") < keys.index("review-documents") < keys.index("documents")


def test_a_colleague_sees_the_section_without_the_actions(as_user, colleague, learner, enrolment):
    body = profile(as_user(colleague), learner)
    assert "No review held yet." in body
    assert "Plan a review" not in body


def test_the_full_list_shows_every_review_with_its_signatures(
    as_user, tutor, learner, enrolment, template
):
    review = held(tutor, enrolment, template)
    plan(tutor, enrolment)
    body = as_user(tutor).get(f"/users/{learner.pk}/reviews/").content.decode()
    assert "2 reviews, newest first" in body
    assert "Progress review" in body
    assert "v1" in body
    assert "40 min" in body
    assert "Video call" in body
    assert f"{learner.full_name} (Learner): not yet signed" in body
    assert review.held_on.strftime("%d/%m/%Y") in body


def test_pages_matrix(client, as_user, outsider, colleague, learner, enrolment, template, tutor):
    review = held(tutor, enrolment, template)
    urls = [
        f"/users/{learner.pk}/reviews/",
        f"/users/{learner.pk}/reviews/{review.pk}/",
        f"/users/{learner.pk}/review-documents/",
    ]
    for url in urls:
        assert "login" in client.get(url)["Location"]
    for url in urls:
        assert as_user(outsider).get(url).status_code == 404
        assert as_user(colleague).get(url).status_code == 200


def test_the_review_page_shows_answers_and_signatures(as_user, tutor, learner, enrolment, template):
    review = held(tutor, enrolment, template)
    body = as_user(tutor).get(f"/users/{learner.pk}/reviews/{review.pk}/").content.decode()
    assert "Erin Boss (Employer): not yet signed" in body
    assert "What went well?" in body


def test_review_documents_list_the_signed_pdfs_with_their_seal(
    as_user, tutor, learner, enrolment, template
):
    review = held(tutor, enrolment, template, sign_it=True)
    document_add(
        learner=learner,
        name="paper.pdf",
        content=b"%PDF-1.4 paper",
        content_type="application/pdf",
        folder=Document.Folder.REVIEWS,
        description="Paper review",
        actor=tutor,
    )
    client = as_user(tutor)
    body = client.get(f"/users/{learner.pk}/review-documents/").content.decode()
    filed = review.filings.get().document
    assert f"/users/{learner.pk}/documents/{filed.pk}/download/" in body
    assert "Signed and sealed" in body
    assert "Check the seal" in body
    assert "Not signed electronically" in body
    assert body.index("Paper review") < body.index(filed.description)
    download = client.get(f"/users/{learner.pk}/documents/{filed.pk}/download/")
    assert download.status_code == 200
    assert "2 review documents" in profile(client, learner)


def test_pages_run_a_fixed_number_of_queries(as_user, tutor, learner, enrolment, template):
    # The three pages share one set of reviews: each signed one renders and seals a PDF.
    client = as_user(tutor)
    urls = [
        url.format(pk=learner.pk)
        for url in ["/users/{pk}/", "/users/{pk}/reviews/", "/users/{pk}/review-documents/"]
    ]
    held(tutor, enrolment, template, sign_it=True)
    plan(tutor, enrolment)
    small = {url: queries(client, url) for url in urls}
    for _ in range(3):
        held(tutor, enrolment, template, sign_it=True)
        held(tutor, enrolment, template)
        plan(tutor, enrolment, days=20)
    assert {url: queries(client, url) for url in urls} == small
