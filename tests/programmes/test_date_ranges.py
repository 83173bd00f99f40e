"""Programme dates a person types stay within what the ILR and the exports can process."""

import datetime

import pytest

from programmes.models import Enrolment
from tests.factories import EnrolmentFactory

from .test_enrolment_edit import GOOD

S = Enrolment.Status


def edit_url(enrolment):
    return f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/edit/"


def stop_url(enrolment):
    return f"/users/{enrolment.learner_id}/programmes/{enrolment.pk}/stop/"


@pytest.fixture
def enrolment(learner):
    return EnrolmentFactory(learner=learner, status=S.ACTIVE, start_date=datetime.date(2025, 9, 1))


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("start_date", "1899-12-31", "Enter a date on or after 01/01/1900."),
        ("start_date", "9999-12-31", "Enter a date on or before 31/12/2100."),
        ("planned_end_date", "2101-01-01", "less than 10 years after the start date"),
        ("employer_start_date", "0001-01-01", "Enter a date on or after 01/01/1900."),
        ("planned_end_date", "2036-09-01", "less than 10 years after the start date"),
    ],
)
def test_an_out_of_range_programme_date_is_refused_beside_the_field_and_kept(
    as_user, supervisor, enrolment, field, typed, message
):
    response = as_user(supervisor).post(edit_url(enrolment), {**GOOD, field: typed})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert f'value="{typed}"' in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.version == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31", "Enter an end date on or before 31/12/2100."),
        ("1899-12-31", "Enter an end date on or after 01/01/1900."),
        ("2099-01-01", "The end date cannot be in the future"),
    ],
)
def test_a_stop_date_out_of_range_or_in_the_future_is_refused_and_nothing_stops(
    as_user, supervisor, enrolment, typed, message
):
    response = as_user(supervisor).post(
        stop_url(enrolment), {"action": "stop", "end_date": typed, "withdraw_reason": "44"}
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["end_date"])
    assert f'value="{typed}"' in response.content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.end_date) == (S.ACTIVE, None)


def test_a_planned_end_date_beyond_2100_is_refused(as_user, supervisor, enrolment):
    data = {**GOOD, "start_date": "2095-01-01", "planned_end_date": "2101-01-01"}
    response = as_user(supervisor).post(edit_url(enrolment), data)
    assert response.context["form"].errors["planned_end_date"] == [
        "Enter a date on or before 31/12/2100."
    ]
    enrolment.refresh_from_db()
    assert enrolment.start_date == datetime.date(2025, 9, 1)


def test_a_stop_date_before_the_programme_started_is_still_refused(as_user, supervisor, enrolment):
    response = as_user(supervisor).post(
        stop_url(enrolment), {"action": "stop", "end_date": "2025-08-31", "withdraw_reason": "44"}
    )
    assert response.context["form"].errors["end_date"] == [
        "The end date cannot be before the programme's start date."
    ]
