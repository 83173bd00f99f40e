"""Planning a review, rescheduling and reassigning it: the permission matrix, bad input and
the audit trail."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from reviews import services
from reviews.models import Review
from tests.factories import AdminFactory

Status = Review.Status


def plan_url(learner):
    return f"/users/{learner.pk}/reviews/plan/"


def soon(days=14) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def planned(tutor, enrolment, template):
    return services.review_plan(
        enrolment=enrolment, planned_for=soon(), conductor=tutor, template=None, actor=tutor
    )


def reasons(review) -> list:
    entries = AuditEntry.objects.filter(
        learner=review.learner, object_pk=str(review.pk), content_type__model="review"
    ).order_by("pk")
    return [(e.additional_data or {}).get("reason") for e in entries]


def test_anonymous_is_sent_to_sign_in(client, learner, enrolment):
    assert "login" in client.get(plan_url(learner))["Location"]


def test_outsider_gets_404(as_user, outsider, learner, enrolment):
    assert as_user(outsider).get(plan_url(learner)).status_code == 404


def test_colleague_gets_403(as_user, colleague, learner, enrolment):
    assert as_user(colleague).get(plan_url(learner)).status_code == 403


def test_without_a_current_programme_there_is_nothing_to_plan(as_user, tutor, learner):
    assert as_user(tutor).get(plan_url(learner)).status_code == 404


@pytest.mark.parametrize("who", ["tutor", "supervisor"])
def test_planning_a_review_is_audited(request, as_user, who, learner, enrolment, template):
    viewer = request.getfixturevalue(who)
    response = as_user(viewer).post(
        plan_url(learner),
        {"planned_for": soon().isoformat(), "conductor": viewer.pk, "template": template.pk},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.status, review.planned_for, review.conductor) == (Status.PLANNED, soon(), viewer)
    assert review.template == template
    assert reasons(review) == ["Planned"]


@pytest.mark.parametrize(
    ("date", "message"),
    [("", "This field is required."), ("31/02/2026", "Enter a valid date."), ("2199-01-01", "")],
)
def test_planning_refuses_bad_dates_and_saves_nothing(
    as_user, tutor, learner, enrolment, date, message
):
    response = as_user(tutor).post(plan_url(learner), {"planned_for": date, "conductor": tutor.pk})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_planning_refuses_a_conductor_outside_the_viewer_scope(
    as_user, tutor, outsider, learner, enrolment
):
    response = as_user(tutor).post(
        plan_url(learner), {"planned_for": soon().isoformat(), "conductor": outsider.pk}
    )
    assert "Select a valid choice." in response.content.decode()
    assert not Review.objects.exists()


def test_rescheduling_moves_the_date(as_user, tutor, planned):
    url = f"/users/{planned.learner_id}/reviews/{planned.pk}/reschedule/"
    response = as_user(tutor).post(
        url, {"planned_for": soon(30).isoformat(), "version": planned.version}
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.planned_for == soon(30)
    assert reasons(planned) == ["Planned", "Rescheduled"]


def test_rescheduling_keeps_the_typed_date_on_bad_input(as_user, tutor, planned):
    url = f"/users/{planned.learner_id}/reviews/{planned.pk}/reschedule/"
    response = as_user(tutor).post(url, {"planned_for": "2/30/2026", "version": planned.version})
    assert "Enter a valid date." in response.content.decode()
    assert "2/30/2026" in response.content.decode()
    planned.refresh_from_db()
    assert planned.planned_for == soon()


def test_reassigning_to_another_administrator_in_scope(as_user, tutor, tree, planned):
    other = AdminFactory(first_name="Alex", last_name="Other", groups=[tree["north"]])
    url = f"/users/{planned.learner_id}/reviews/{planned.pk}/reassign/"
    response = as_user(tutor).post(url, {"conductor": other.pk, "version": planned.version})
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.conductor == other
    assert reasons(planned) == ["Planned", "Reassigned"]


def test_reschedule_and_reassign_matrix(client, as_user, colleague, outsider, planned):
    for action in ("reschedule", "reassign"):
        url = f"/users/{planned.learner_id}/reviews/{planned.pk}/{action}/"
        assert "login" in client.get(url)["Location"]
        assert as_user(outsider).get(url).status_code == 404
        assert as_user(colleague).get(url).status_code == 403
        client.logout()


def test_a_started_review_cannot_be_rescheduled(as_user, tutor, enrolment, template):
    review = services.review_start(
        enrolment=enrolment,
        template=template,
        meeting_type="OTHER",
        checklist_done=template.checklist_items(),
        actor=tutor,
    )
    url = f"/users/{review.learner_id}/reviews/{review.pk}/reschedule/"
    assert as_user(tutor).get(url).status_code == 404
