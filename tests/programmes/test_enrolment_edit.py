"""Edit Programme Details for an existing enrolment: dates and weekly hours."""

import datetime

import pytest

from audit.models import AuditEntry
from programmes.models import Enrolment
from tests.factories import EnrolmentFactory

GOOD = {
    "start_date": "2026-09-01",
    "planned_end_date": "2028-03-01",
    "employer_start_date": "2026-08-15",
    "weekly_hours": "30",
    "version": "1",
}


def url(enrolment):
    return f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/edit/"


@pytest.fixture
def enrolment(learner):
    return EnrolmentFactory(learner=learner, status=Enrolment.Status.ACTIVE)


def test_anonymous_is_redirected_to_login(client, enrolment):
    assert client.get(url(enrolment))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, enrolment):
    assert as_user(outsider).get(url(enrolment)).status_code == 404


def test_without_edit_programme_details_gets_403(as_user, tutor, enrolment):
    assert as_user(tutor).post(url(enrolment), GOOD).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.version == 1


def test_another_learners_enrolment_is_404(as_user, supervisor, enrolment):
    other = EnrolmentFactory()
    path = f"/users/{enrolment.learner_id}/programmes/{other.pk}/edit/"
    assert as_user(supervisor).get(path).status_code == 404


def test_the_form_shows_the_current_details(as_user, supervisor, enrolment):
    body = as_user(supervisor).get(url(enrolment)).content.decode()
    assert enrolment.start_date.isoformat() in body
    assert 'name="programme"' not in body


def test_saves_the_details_and_audits_them(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(url(enrolment), GOOD)

    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.planned_end_date == datetime.date(2028, 3, 1)
    assert enrolment.version == 2
    entry = AuditEntry.objects.get_for_object(enrolment).latest("pk")
    assert entry.actor == supervisor
    assert "planned_end_date" in entry.changes_dict
    assert "version" not in entry.changes_dict


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("planned_end_date", "2026-08-01", "must be after the start date"),
        ("weekly_hours", "0", "more than 0 and at most 60"),
        ("weekly_hours", "61", "more than 0 and at most 60"),
        ("start_date", "", "This field is required"),
        ("start_date", "31/02/2026", "Enter a valid date"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_saves_nothing(
    as_user, supervisor, enrolment, field, value, message
):
    response = as_user(supervisor).post(url(enrolment), {**GOOD, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.version == 1


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(as_user, supervisor, enrolment):
    client = as_user(supervisor)
    client.post(url(enrolment), {**GOOD, "weekly_hours": "25"})

    response = client.post(url(enrolment), {**GOOD, "weekly_hours": "35"})

    body = response.content.decode()
    assert "your changes were not saved" in body
    assert "Sam Supervisor" in body
    assert 'value="35"' in body
    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 25


def test_a_status_change_makes_an_open_edit_form_stale(as_user, supervisor, enrolment):
    client = as_user(supervisor)
    client.post(
        f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/status/",
        {"status": "ON_A_BREAK", "version": 1},
    )

    response = client.post(url(enrolment), GOOD)

    assert "your changes were not saved" in response.content.decode()
