"""aptem.validators.DateRange: the one date range every model and form uses."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from aptem.validators import DateRange, past_date, sensible_date, validate_date_of_birth


def _message(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.messages[0]


def test_the_default_range_is_1900_to_2100_inclusive():
    sensible_date(datetime.date(1900, 1, 1))
    sensible_date(datetime.date(2100, 12, 31))
    assert _message(sensible_date, datetime.date(1899, 12, 31)) == (
        "Enter a date on or after 01/01/1900."
    )
    assert _message(sensible_date, datetime.date(9999, 12, 31)) == (
        "Enter a date on or before 31/12/2100."
    )


@time_machine.travel(datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_bounds_relative_to_today_move_with_the_calendar_and_handle_29_february():
    validate_date_of_birth(datetime.date(2014, 2, 28))
    assert "on or before 28/02/2014: a learner is at least 10 years old" in _message(
        validate_date_of_birth, datetime.date(2014, 3, 1)
    )
    past_date(datetime.date(2024, 2, 29))
    assert _message(past_date, datetime.date(2024, 3, 1)) == "The date cannot be in the future."
    assert _message(DateRange("visit", days_ahead=7), datetime.date(2024, 3, 8)) == (
        "The visit cannot be more than 7 days in the future."
    )


def test_a_datetime_is_judged_by_its_date_and_other_values_are_left_to_the_field():
    assert _message(sensible_date, datetime.datetime(2101, 1, 1, 9, 0)).endswith("31/12/2100.")
    sensible_date(None)
    sensible_date("not a date")


def test_the_validator_deconstructs_to_an_equal_one_so_migrations_stay_stable():
    validator = DateRange("end date", days_ahead=0, why="it ended")
    path, args, kwargs = validator.deconstruct()
    assert path == "aptem.validators.DateRange"
    assert DateRange(*args, **kwargs) == validator
    assert DateRange(*args, **kwargs) != sensible_date
