"""A job tracker projects the learner's sustained-employment milestones; an end date before a
milestone marks it at risk. Assignment, approval and rejection are told in the portal and by
email."""

import datetime
from decimal import Decimal

import pytest

from programmes.progress.models import Milestone
from tests.factories import OrganisationFactory
from trackers import services
from users.email_models import OutboundEmail
from users.notification_models import Notification

from .factories import raise_tracker


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="Northwind Ltd", kind="EMPLOYER")


def job_tracker(learner, raiser, enrolment, employer, code="job", **fields):
    return raise_tracker(
        learner,
        code,
        raiser,
        enrolment=enrolment,
        organisation=employer,
        start_date=datetime.date(2026, 3, 2),
        weekly_hours=Decimal("30"),
        hourly_rate=Decimal("12.00"),
        **fields,
    )


def test_a_job_projects_the_13_and_26_week_milestones_with_their_earnings(
    learner, enrolment, raiser, employer
):
    job_tracker(learner, raiser, enrolment, employer)

    milestones = list(Milestone.objects.filter(learner=learner).order_by("date"))
    assert [m.date for m in milestones] == [datetime.date(2026, 6, 1), datetime.date(2026, 8, 31)]
    assert all(m.status == Milestone.Status.PROJECTED for m in milestones)
    assert all(m.enrolment == enrolment for m in milestones)
    assert "13 weeks" in milestones[0].description
    assert "£4,680.00" in milestones[0].description  # 13 weeks x 30 hours x £12


def test_self_employment_projects_one_milestone_at_26_weeks(learner, enrolment, raiser, employer):
    job_tracker(learner, raiser, enrolment, employer, code="self-employment")

    assert list(Milestone.objects.values_list("date", flat=True)) == [datetime.date(2026, 8, 31)]


def test_an_end_date_before_a_milestone_moves_nothing_but_marks_it_at_risk(
    learner, enrolment, raiser, employer
):
    tracker = job_tracker(learner, raiser, enrolment, employer)

    services.tracker_update(
        tracker=tracker,
        data={"end_date": datetime.date(2026, 7, 15)},
        based_on_version=tracker.version,
        actor=raiser,
    )

    statuses = dict(Milestone.objects.values_list("date", "status"))
    assert statuses == {
        datetime.date(2026, 6, 1): Milestone.Status.PROJECTED,
        datetime.date(2026, 8, 31): Milestone.Status.AT_RISK,
    }
    assert Milestone.objects.count() == 2


def test_a_new_start_date_recalculates_the_milestones(learner, enrolment, raiser, employer):
    tracker = job_tracker(learner, raiser, enrolment, employer)

    services.tracker_update(
        tracker=tracker,
        data={"start_date": datetime.date(2026, 4, 6)},
        based_on_version=tracker.version,
        actor=raiser,
    )

    dates = sorted(Milestone.objects.values_list("date", flat=True))
    assert dates == [datetime.date(2026, 7, 6), datetime.date(2026, 10, 5)]


def test_a_milestone_already_achieved_is_left_alone(learner, enrolment, raiser, employer):
    tracker = job_tracker(learner, raiser, enrolment, employer)
    first = Milestone.objects.order_by("date").first()
    first.status = Milestone.Status.ACHIEVED
    first.save()

    services.tracker_update(
        tracker=tracker,
        data={"end_date": datetime.date(2026, 5, 1)},
        based_on_version=tracker.version,
        actor=raiser,
    )

    first.refresh_from_db()
    assert first.status == Milestone.Status.ACHIEVED


def test_the_milestones_section_shows_a_milestone_at_risk(
    as_user, learner, enrolment, raiser, employer
):
    job_tracker(learner, raiser, enrolment, employer, end_date=datetime.date(2026, 5, 1))
    body = as_user(raiser).get(f"/users/{learner.pk}/milestones/").content.decode()
    assert "At risk" in body
    assert "Sustained employment: 13 weeks" in body


def test_the_assignee_is_told_in_the_portal_and_by_email(learner, enrolment, raiser, approver):
    tracker = raise_tracker(learner, "education", raiser, assignee=approver)

    notification = Notification.objects.get(recipient=approver)
    assert tracker.reference in notification.title
    assert notification.link == f"/users/{learner.pk}/trackers/{tracker.pk}/"
    assert OutboundEmail.objects.filter(recipient=approver).count() == 1


def test_assigning_yourself_tells_nobody(learner, raiser):
    raise_tracker(learner, "education", raiser, assignee=raiser)
    assert not Notification.objects.exists()


def test_approval_and_rejection_tell_the_assignee_and_the_creator(
    learner, enrolment, raiser, approver, supervisor
):
    change = {"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)}
    first = raise_tracker(
        learner, "hours-change", raiser, enrolment=enrolment, assignee=supervisor, change=change
    )
    second = raise_tracker(
        learner, "hours-change", raiser, enrolment=enrolment, assignee=supervisor, change=change
    )
    Notification.objects.all().delete()

    services.tracker_approve(tracker=first, based_on_version=first.version, actor=approver)
    services.tracker_reject(
        tracker=second, reason="Duplicate", based_on_version=second.version, actor=approver
    )

    titles = sorted(Notification.objects.values_list("recipient__email", "title"))
    assert [who for who, _ in titles] == [
        "supervisor@example.org",
        "supervisor@example.org",
        "tutor@example.org",
        "tutor@example.org",
    ]
    assert sum("was approved" in title for _, title in titles) == 2
    assert sum("was rejected" in title for _, title in titles) == 2
    rejected = Notification.objects.filter(title__contains="rejected").first()
    assert "Duplicate" in rejected.body


def test_a_refused_approval_tells_nobody(learner, enrolment, raiser, approver):
    tracker = raise_tracker(
        learner,
        "completion",
        raiser,
        enrolment=enrolment,
        change={"end_date": datetime.date(2026, 7, 31), "outcome": 8},
    )
    with pytest.raises(Exception, match="cannot become Complete"):
        services.tracker_approve(tracker=tracker, based_on_version=tracker.version, actor=approver)
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()
