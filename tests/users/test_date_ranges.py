"""Dates a person types about a user stay within what the whole portal can process."""

import datetime

import pytest

from .test_user_edit import edit_data, url


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date_of_birth", "1899-12-31", "Enter a date of birth on or after 01/01/1900."),
        ("date_of_birth", "0001-01-01", "Enter a date of birth on or after 01/01/1900."),
        ("date_of_birth", "9999-12-31", "Enter a date of birth on or before 31/12/2100."),
        ("date_of_birth", "2020-01-01", "a learner is at least 10 years old"),
        ("subscription_start", "1899-12-31", "Enter a date on or after 01/01/1900."),
        ("subscription_end", "2101-01-01", "Enter a date on or before 31/12/2100."),
        ("subscription_end", "9999-12-31", "Enter a date on or before 31/12/2100."),
    ],
)
def test_an_out_of_range_date_is_refused_beside_the_field_and_kept(
    as_user, tutor, learner, field, typed, message
):
    before = getattr(learner, field)
    response = as_user(tutor).post(url(learner), edit_data(learner, **{field: typed}))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert f'value="{typed}"' in response.content.decode()
    learner.refresh_from_db()
    assert getattr(learner, field) == before
    assert learner.version == 1


def test_a_date_of_birth_within_the_range_saves(as_user, tutor, learner):
    response = as_user(tutor).post(url(learner), edit_data(learner, date_of_birth="1990-02-03"))
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.date_of_birth == datetime.date(1990, 2, 3)


def test_the_date_inputs_offer_only_the_accepted_range(as_user, tutor, learner):
    page = as_user(tutor).get(url(learner)).content.decode()
    assert 'min="1900-01-01"' in page
    assert 'max="2100-12-31"' in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9999-12-31", "Enter a date on or before 31/12/2100."),
        ("2101-01-01", "Enter a date on or before 31/12/2100."),
    ],
)
def test_extending_a_subscription_beyond_2100_is_refused(as_user, tutor, learner, typed, message):
    learner.subscription_end = datetime.date(2026, 7, 1)
    learner.save()
    response = as_user(tutor).post(
        f"/users/{learner.pk}/extend/", {"subscription_end": typed, "reason": "More time"}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors["subscription_end"]
    learner.refresh_from_db()
    assert learner.subscription_end == datetime.date(2026, 7, 1)
