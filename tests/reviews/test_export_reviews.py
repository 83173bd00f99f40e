"""Review data exports: one learner's (/users/<id>/reviews/export.csv) and portal-wide
(/reviews/export/, a date range and the Reviews due filters): one row per review and question,
signers where signed, formulas neutralised, the row count last, and who may take them."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from reporting.models import FileExport
from reviews.models import Answer, Question, Review, TemplateSection
from signing.models import Envelope, Signer
from tests.factories import AdminFactory, ProgrammeFactory, UserFactory
from tests.reviews.due_factories import held_review, learning

D = datetime.date
WIDE = "/reviews/export/"
HEADER = (
    "Learner,Reference,Programme,Template,Template version,Meeting type,Conducted by,Date,"
    "Duration (minutes),Status,Question,Answer,Signed by,Signed at"
)


def learner_url(learner) -> str:
    return f"/users/{learner.pk}/reviews/export.csv"


def _csv(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode().splitlines()


@pytest.fixture
def review(learner, tutor):
    learner.reference_number = "REF-1"
    learner.save()
    enrolment = learning(learner, programme=ProgrammeFactory(name="Data Analyst L4"))
    review = held_review(
        enrolment,
        D(2026, 3, 2),
        meeting_type=Review.MeetingType.VIDEO,
        conductor=tutor,
        duration_minutes=45,
    )
    section = TemplateSection.objects.create(template=review.template, title="Progress")
    first = Question.objects.create(section=section, position=1, text="How is it going?")
    second = Question.objects.create(section=section, position=2, text="Any concerns?")
    Answer.objects.create(review=review, question=second, value="=SUM(A1:A9)")
    Answer.objects.create(review=review, question=first, value="Well")
    envelope = Envelope.objects.create(
        learner=learner, title="Review", source_pdf="x.pdf", source_sha256="0"
    )
    signed = timezone.make_aware(datetime.datetime(2026, 3, 3, 9, 30))
    Signer.objects.create(
        envelope=envelope, position=1, role="LEARNER", name="John Smith", signed_at=signed
    )
    Signer.objects.create(envelope=envelope, position=2, role="EMPLOYER", name="Not Yet")
    review.envelope = envelope
    review.save()
    return review


# --- one learner -----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, learner):
    assert client.get(learner_url(learner))["Location"].startswith("/login/")
    assert client.get(WIDE)["Location"].startswith("/login/")


def test_an_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(learner_url(learner)).status_code == 404


def test_without_the_data_export_role_is_403(as_user, colleague, learner):
    assert as_user(colleague).get(learner_url(learner)).status_code == 403
    assert as_user(colleague).get(WIDE).status_code == 403


def test_a_learner_cannot_export_their_own(client, learner):
    client.force_login(learner)
    assert client.get(learner_url(learner)).status_code == 403


def test_one_row_per_review_and_question_with_signers(as_user, tutor, learner, review):
    lines = _csv(as_user(tutor).get(learner_url(learner)))
    assert lines[0] == HEADER
    common = (
        "John Smith,REF-1,Data Analyst L4,Progress review,1,Video call,Tara Tutor,02/03/2026,"
        "45,Signed"
    )
    assert lines[1] == f"{common},How is it going?,Well,John Smith,03/03/2026 09:30"
    # The answer that looks like a formula is neutralised.
    assert lines[2] == f"{common},Any concerns?,'=SUM(A1:A9),John Smith,03/03/2026 09:30"
    assert lines[-1] == "# 2 rows"


def test_a_review_without_answers_still_has_its_row(as_user, tutor, learner):
    enrolment = learning(learner)
    Review.objects.create(learner=learner, enrolment=enrolment, planned_for=D(2026, 5, 1))
    lines = _csv(as_user(tutor).get(learner_url(learner)))
    assert lines[1].endswith(",,,,,01/05/2026,,Planned,,,,")
    assert lines[-1] == "# 1 row"


def test_the_export_is_noted_on_the_learners_trail(as_user, tutor, learner, review):
    _csv(as_user(tutor).get(learner_url(learner)))
    entry = AuditEntry.objects.filter(learner=learner, action=AuditEntry.Action.ACCESS).get()
    assert entry.actor == tutor


def test_no_reviews_is_just_the_header_and_count(as_user, tutor, learner):
    assert _csv(as_user(tutor).get(learner_url(learner))) == [HEADER, "# 0 rows"]


# --- portal-wide -----------------------------------------------------------------------------


def test_the_form_is_shown_first(as_user, tutor):
    response = as_user(tutor).get(WIDE)
    assert response.status_code == 200
    assert "Held from" in response.content.decode()


def test_the_range_and_scope_choose_the_reviews(as_user, tutor, tree, review):
    far = learning(groups=[tree["south"]])
    held_review(far, D(2026, 3, 5))
    other = learning(groups=[tree["cohort"]])
    held_review(other, D(2026, 4, 20))
    client = as_user(tutor)
    lines = _csv(
        client.get(WIDE, {"held_from": "01/03/2026", "held_to": "31/03/2026", "export": "csv"})
    )
    assert [line.split(",")[0] for line in lines[1:-1]] == ["John Smith", "John Smith"]
    assert lines[-1] == "# 2 rows"
    lines = _csv(client.get(WIDE, {"export": "csv"}))
    assert lines[-1] == "# 3 rows"
    assert AuditEntry.objects.get_for_object(tutor).filter(action=AuditEntry.Action.ACCESS).exists()


def test_the_due_pages_filters_apply(as_user, tutor, tree, review):
    other = learning(UserFactory(groups=[tree["cohort"]], case_owner=tutor))
    held_review(other, D(2026, 3, 5))
    client = as_user(tutor)
    lines = _csv(client.get(WIDE, {"case_owner": tutor.pk, "export": "csv"}))
    assert lines[-1] == "# 1 row"
    lines = _csv(client.get(WIDE, {"programme": review.enrolment.programme_id, "export": "csv"}))
    assert lines[-1] == "# 2 rows"
    lines = _csv(client.get(WIDE, {"group": tree["cohort"].pk, "export": "csv"}))
    assert lines[-1] == "# 3 rows"
    # A group outside the viewer's scope is not a choice.
    assert client.get(WIDE, {"group": tree["south"].pk, "export": "csv"}).status_code == 400


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"held_from": "31/03/2026", "held_to": "01/03/2026"}, "held_to"),
        ({"held_from": "not a date"}, "held_from"),
        ({"held_to": "31/02/2026"}, "held_to"),
    ],
)
def test_a_bad_range_re_renders_with_errors_and_exports_nothing(as_user, tutor, params, field):
    response = as_user(tutor).get(WIDE, {**params, "export": "csv"})
    assert response.status_code == 400
    assert field in response.context["filter"].errors
    assert "correct the errors" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()


def test_an_employer_is_refused(client, tree):
    employer = AdminFactory(user_type="EMPLOYER", groups=[tree["cohort"]], roles=["Data Export"])
    client.force_login(employer)
    assert client.get(WIDE).status_code == 403


# --- too many rows to stream: a task makes the file ----------------------------------------


def test_the_form_posts_and_streams(as_user, tutor, review):
    lines = _csv(as_user(tutor).post(WIDE, {"held_from": "01/03/2026", "export": "csv"}))
    assert lines[-1] == "# 2 rows"


def test_a_large_export_is_made_by_a_task_as_its_creator(as_user, tutor, review, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client = as_user(tutor)
    # A GET (a saved link) makes no job: it goes back to the form with the reason.
    response = client.get(WIDE, {"held_from": "01/03/2026", "export": "csv"})
    assert response.status_code == 302
    assert not FileExport.objects.exists()
    response = client.post(WIDE, {"held_from": "01/03/2026", "export": "csv"})
    job = FileExport.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.kind, job.status, job.row_count) == ("reviews", FileExport.Status.READY, 2)
    assert job.parameters == {"query": "held_from=01%2F03%2F2026&export=csv"}
