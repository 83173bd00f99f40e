import datetime

import pytest

from tests.factories import EnrolmentFactory

TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Dates are checked against today (nothing in the future), so today is fixed."""
    time_machine.move_to(datetime.datetime(2026, 11, 29, 12, 0))


@pytest.fixture
def enrolment(learner):
    return EnrolmentFactory(learner=learner, start_date=datetime.date(2026, 1, 5))
