"""Learning plan and off-the-job dates stay within what the whole portal can process."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from programmes.learning.models import Certification, OtjEntry


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


OTJ = {"hours": "3.5", "activity_type": "TEACHING", "description": "Data modelling workshop"}
CERTIFICATION = {"kind": "QUALIFICATION", "title": "Level 4 Diploma"}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31", "cannot be in the future"),
        ("2026-03-03", "cannot be in the future"),
        ("0001-01-01", "cannot be before the programme started"),
    ],
)
def test_an_otj_date_in_the_future_or_long_ago_is_refused_and_nothing_saved(
    as_user, plan_editor, learner, enrolment, typed, message
):
    response = as_user(plan_editor).post(f"/users/{learner.pk}/otj/add/", {**OTJ, "date": typed})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["date"])
    assert f'value="{typed}"' in response.content.decode()
    assert not OtjEntry.objects.exists()


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("expected_on", "2101-01-01", "Enter a date on or before 31/12/2100."),
        ("expected_on", "9999-12-31", "Enter a date on or before 31/12/2100."),
        ("achieved_on", "9999-12-31", "cannot be in the future"),
    ],
)
def test_a_certification_date_out_of_range_is_refused_and_nothing_saved(
    as_user, plan_editor, learner, enrolment, field, typed, message
):
    response = as_user(plan_editor).post(
        f"/users/{learner.pk}/learning-plan/certifications/add/",
        {**CERTIFICATION, "expected_on": "2026-12-01", field: typed},
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Certification.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2026, 3, 3), "The date cannot be in the future."),
        (datetime.date(9999, 12, 31), "Enter a date on or before 31/12/2100."),
        (datetime.date(1, 1, 1), "Enter a date on or after 01/01/1900."),
    ],
)
def test_the_model_refuses_an_otj_date_out_of_range_whatever_the_form(
    learner, enrolment, day, message
):
    # Imports and the Django admin go through full_clean, not the ledger's form.
    entry = OtjEntry(
        learner=learner,
        enrolment=enrolment,
        date=day,
        hours=1,
        activity_type="TEACHING",
        description="x",
    )
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert caught.value.message_dict["date"] == [message]
