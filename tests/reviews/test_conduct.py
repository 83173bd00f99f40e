"""Conducting a review: start (meeting type, checklist), save and resume, complete (actions
become action-plan tasks, the PDF goes for signature through the signing engine), signing to
Signed with the sealed PDF in Documents (Reviews), and a change after signing."""

import datetime
import io

import pypdf
import pytest
from django.utils import timezone

from activity.models import Task
from audit.models import AuditEntry
from documents.models import Document
from reviews import services
from reviews.models import Answer, Review
from reviews.signals import review_changed
from signing import services as signing
from signing.models import Envelope, Signer

from .factories import answers_post, questions

Status = Review.Status
CHECKLIST = ["Read the last review", "Check the OTJ log"]


def start_url(learner, review=None):
    if review is not None:
        return f"/users/{learner.pk}/reviews/{review.pk}/start/"
    return f"/users/{learner.pk}/reviews/start/"


def form_url(review):
    return f"/users/{review.learner_id}/reviews/{review.pk}/form/"


def start(client, learner, template, **extra):
    data = {"template": template.pk, "meeting_type": "FACE_TO_FACE", "checklist": CHECKLIST}
    data.update(extra)
    return client.post(start_url(learner), data)


def started(tutor, enrolment, template) -> Review:
    return services.review_start(
        enrolment=enrolment,
        template=template,
        meeting_type="VIDEO",
        checklist_done=CHECKLIST,
        actor=tutor,
    )


def held_on() -> str:
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def complete_post(review, template, **extra):
    values = {
        "action": "complete",
        "version": str(review.version),
        "held_on": held_on(),
        "duration_minutes": "45",
    }
    return answers_post(template, **(values | extra))


def sign(signer: Signer, actor=None) -> None:
    signing.signer_sign(
        signer=signer,
        typed_name=signer.name,
        consent=True,
        ip="203.0.113.5",
        user_agent="T",
        actor=actor,
    )


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


# Start ----------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, learner, template):
    response = client.get(start_url(learner))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_outsider_gets_404(as_user, outsider, learner, template):
    assert as_user(outsider).get(start_url(learner)).status_code == 404


def test_colleague_without_the_permission_gets_403(as_user, colleague, learner, template):
    client = as_user(colleague)
    assert client.get(start_url(learner)).status_code == 403
    assert start(client, learner, template).status_code == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize("who", ["tutor", "supervisor"])
def test_tutor_and_supervisor_see_the_checklist(request, as_user, who, learner, template):
    client = as_user(request.getfixturevalue(who))
    body = client.get(start_url(learner), {"template": template.pk}).content.decode()
    assert "Read the last review" in body
    assert "Meeting type" in body


def test_starting_needs_every_checklist_item_and_a_meeting_type(as_user, tutor, learner, template):
    client = as_user(tutor)
    response = start(client, learner, template, checklist=["Read the last review"], meeting_type="")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Tick every item of the preparation checklist to start." in body
    assert "This field is required." in body
    assert not Review.objects.exists()


def test_starting_takes_the_snapshot_and_is_audited(as_user, tutor, learner, template):
    Task.objects.create(learner=learner, title="Finish the safety unit", created_by=tutor)
    seen = []
    review_changed.connect(
        lambda sender, review, **kw: seen.append(review.pk), weak=False, dispatch_uid="t1"
    )
    try:
        response = start(as_user(tutor), learner, template)
    finally:
        review_changed.disconnect(dispatch_uid="t1")
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == form_url(review)
    assert review.status == Status.IN_PROGRESS
    assert review.meeting_type == "FACE_TO_FACE"
    assert review.conductor == tutor
    assert review.checklist_done == CHECKLIST
    assert review.snapshot["targets"][0]["title"] == "Finish the safety unit"
    assert review.snapshot["otj"]["planned"] is not None or "planned" in review.snapshot["otj"]
    assert seen == [review.pk]
    entry = AuditEntry.objects.filter(learner=learner, object_pk=str(review.pk)).latest("pk")
    assert entry.additional_data["reason"] == "Started"


def test_a_planned_review_can_be_started(as_user, tutor, supervisor, enrolment, template):
    planned = services.review_plan(
        enrolment=enrolment,
        planned_for=timezone.localdate(),
        conductor=supervisor,
        template=template,
        actor=tutor,
    )
    response = as_user(tutor).post(
        start_url(enrolment.learner, planned),
        {
            "template": template.pk,
            "meeting_type": "TELEPHONE",
            "checklist": CHECKLIST,
            "version": planned.version,
        },
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.status == Status.IN_PROGRESS
    assert planned.conductor == supervisor
    assert Review.objects.count() == 1


# Save and resume ------------------------------------------------------------------------------


def test_saving_keeps_the_answers_to_resume(as_user, tutor, enrolment, template):
    review = started(tutor, enrolment, template)
    q = questions(template)
    data = answers_post(template, action="save", version=str(review.version))
    data[f"q_{q['What went well?'].pk}"] = ""  # required only to complete
    response = as_user(tutor).post(form_url(review), data)
    assert response.status_code == 302
    assert response["Location"] == form_url(review)
    review.refresh_from_db()
    assert review.status == Status.IN_PROGRESS
    assert Answer.objects.get(review=review, question=q["Confidence"]).value == "4"
    assert review.actions == [{"text": "Log this week's OTJ hours", "due": "2026-04-10"}]
    body = as_user(tutor).get(form_url(review)).content.decode()
    assert "Log this week&#x27;s OTJ hours" in body
    assert 'value="4" selected' in body


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("Confidence", "6", "Select a valid choice."),
        ("Wellbeing", "Fine", "Select a valid choice."),
        ("Any concerns?", "Maybe", "Select a valid choice."),
        ("Next milestone date", "31/02/2026", "Enter a valid date."),
        ("Next milestone date", "1800-01-01", "on or after 01/01/1900"),
    ],
)
def test_bad_answers_are_refused_and_nothing_typed_is_lost(
    as_user, tutor, enrolment, template, question, value, message
):
    review = started(tutor, enrolment, template)
    q = questions(template)
    data = answers_post(template, action="save", version=str(review.version))
    data[f"q_{q[question].pk}"] = value
    response = as_user(tutor).post(form_url(review), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Finished the unit on safety" in body
    assert not Answer.objects.filter(review=review).exists()


def test_completing_needs_required_answers_date_and_duration(as_user, tutor, enrolment, template):
    review = started(tutor, enrolment, template)
    q = questions(template)
    data = complete_post(review, template, duration_minutes="0")
    data[f"q_{q['What went well?'].pk}"] = ""
    data["held_on"] = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data["actions-1-due"] = "2026-04-11"
    response = as_user(tutor).post(form_url(review), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "This field is required." in body
    assert "cannot be in the future" in body
    assert "Ensure this value is greater than or equal to 1." in body
    assert "Say what the action is" in body
    review.refresh_from_db()
    assert review.status == Status.IN_PROGRESS
    assert not Task.objects.exists()
    assert not Envelope.objects.exists()


def test_colleague_cannot_open_the_review_form(
    as_user, colleague, outsider, tutor, enrolment, template
):
    review = started(tutor, enrolment, template)
    assert as_user(colleague).get(form_url(review)).status_code == 403
    assert as_user(outsider).get(form_url(review)).status_code == 404


# Complete and sign ----------------------------------------------------------------------------


def test_completing_sends_for_signatures_makes_tasks_and_the_pdf(
    as_user, tutor, learner, enrolment, template
):
    review = started(tutor, enrolment, template)
    response = as_user(tutor).post(form_url(review), complete_post(review, template))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == Status.AWAITING_SIGNATURES
    assert review.duration_minutes == 45
    assert review.is_held
    roles = list(review.envelope.signers.values_list("role", "name"))
    assert roles == [
        (Signer.Role.LEARNER, learner.full_name),
        (Signer.Role.EMPLOYER, "Erin Boss"),
        (Signer.Role.PROVIDER, tutor.full_name),
    ]
    task = Task.objects.get()
    assert task.title == "Log this week's OTJ hours"
    assert task.in_action_plan
    assert task.due_date == datetime.date(2026, 4, 10)
    with review.envelope.source_pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    for words in (
        "John Smith",
        enrolment.programme.name,
        "Progress review, version 1",
        "Video call",
        tutor.full_name,
        "45 minutes",
        "What went well?",
        "Finished the unit on safety",
        "Wellbeing",
        "Off-the-job hours planned",
        "Log this week's OTJ hours",
    ):
        assert words in text, words


def test_signing_through_the_engine_makes_it_signed_and_files_the_sealed_pdf(
    tutor, learner, employer, enrolment, template
):
    review = started(tutor, enrolment, template)
    q = questions(template)
    review = services.review_complete(
        review=review,
        answers={q["What went well?"].pk: "Good progress", q["Confidence"].pk: "5"},
        actions=[],
        held_on=timezone.localdate(),
        duration_minutes=30,
        based_on_version=review.version,
        actor=tutor,
    )
    signers = {s.role: s for s in review.envelope.signers.all()}
    sign(signers[Signer.Role.LEARNER])
    sign(signers[Signer.Role.EMPLOYER])
    review.refresh_from_db()
    assert review.status == Status.AWAITING_SIGNATURES
    sign(signers[Signer.Role.PROVIDER], actor=tutor)
    review.refresh_from_db()
    assert review.status == Status.SIGNED
    document = Document.objects.get(learner=learner, folder=Document.Folder.REVIEWS)
    assert document.review_filing.envelope == review.envelope
    assert document.review_filing.seal_matches
    with document.file.open("rb") as handle:
        assert "Good progress" in pdf_text(handle.read())
    reasons = [
        (e.additional_data or {}).get("reason")
        for e in AuditEntry.objects.filter(learner=learner, object_pk=str(review.pk)).order_by("pk")
    ]
    assert "Completed" in reasons
    assert "Sent for signatures" in reasons
    assert "Signed by John Smith (Learner)" in reasons
    assert "Signed by Erin Boss (Employer)" in reasons
    assert reasons[-1] == "Signed by every party and sealed"


def test_a_template_without_signatures_goes_straight_to_signed(tutor, learner, enrolment, template):
    template.learner_signs = template.employer_signs = template.administrator_signs = False
    template.save()
    review = started(tutor, enrolment, template)
    review = services.review_complete(
        review=review,
        answers={},
        actions=[],
        held_on=timezone.localdate(),
        duration_minutes=20,
        based_on_version=review.version,
        actor=tutor,
    )
    assert review.status == Status.SIGNED
    assert review.envelope is None
    filing = review.filings.get()
    assert filing.document.folder == Document.Folder.REVIEWS
    assert filing.envelope is None


def test_a_change_after_signing_voids_and_resends(as_user, tutor, learner, enrolment, template):
    review = started(tutor, enrolment, template)
    as_user(tutor).post(form_url(review), complete_post(review, template))
    review.refresh_from_db()
    first = review.envelope
    q = questions(template)
    data = answers_post(template, action="revise", version=str(review.version))
    data[f"q_{q['What went well?'].pk}"] = "Changed after the meeting"
    response = as_user(tutor).post(form_url(review), data)
    assert response.status_code == 302
    review.refresh_from_db()
    first.refresh_from_db()
    assert first.status == Envelope.Status.VOIDED
    assert review.revision == 2
    assert review.status == Status.AWAITING_SIGNATURES
    assert review.envelope != first
    with review.envelope.source_pdf.open("rb") as handle:
        assert "Changed after the meeting" in pdf_text(handle.read())
    assert Task.objects.count() == 1  # the actions are not made twice
    entry = AuditEntry.objects.filter(object_pk=str(review.pk), learner=learner).order_by("pk")
    assert any((e.additional_data or {}).get("reason") == "Changed after signing" for e in entry)


def test_a_signed_review_changed_keeps_its_earlier_pdf(tutor, learner, enrolment, template):
    template.employer_signs = False
    template.save()
    review = started(tutor, enrolment, template)
    review = services.review_complete(
        review=review,
        answers={},
        actions=[],
        held_on=timezone.localdate(),
        duration_minutes=30,
        based_on_version=review.version,
        actor=tutor,
    )
    for signer in review.envelope.signers.all():
        sign(signer, actor=tutor if signer.role == Signer.Role.PROVIDER else None)
    review.refresh_from_db()
    assert review.status == Status.SIGNED
    review = services.review_revise(
        review=review, answers={}, based_on_version=review.version, actor=tutor
    )
    assert review.revision == 2
    assert review.status == Status.AWAITING_SIGNATURES
    assert Document.objects.filter(learner=learner, folder=Document.Folder.REVIEWS).count() == 1


def test_a_stale_form_is_refused(as_user, tutor, enrolment, template):
    review = started(tutor, enrolment, template)
    data = answers_post(template, action="save", version=str(review.version - 1 or 99))
    response = as_user(tutor).post(form_url(review), data)
    assert response.status_code == 409
    assert "Someone else saved this review" in response.content.decode()
    assert not Answer.objects.filter(review=review).exists()
