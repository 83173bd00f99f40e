"""The cast for the learning plan: ``plan_editor`` holds Edit Programme Details (which carries the
learning plan's permissions) and sees North; ``tutor`` and ``colleague`` do not hold it."""

import datetime
from decimal import Decimal

import pytest

from tests.factories import AdminFactory, EnrolmentFactory

START = datetime.date(2026, 1, 5)
END = START + datetime.timedelta(days=364)  # 52 weeks


@pytest.fixture
def plan_editor(tree):
    return AdminFactory(
        first_name="Eddie",
        last_name="Editor",
        email="editor@example.org",
        groups=[tree["north"]],
        roles=["Standard administrator", "Edit Programme Details"],
    )


@pytest.fixture
def ilr_manager(tree):
    return AdminFactory(
        first_name="Ivy",
        last_name="Ilr",
        email="ilr@example.org",
        groups=[tree["north"]],
        roles=["Standard administrator", "Edit Programme Details", "Manage ILRs"],
    )


@pytest.fixture
def enrolment(learner):
    """52 weeks from 05/01/2026, 30 h a week, 520 planned OTJ hours (10 a week)."""
    return EnrolmentFactory(
        learner=learner,
        programme__planned_otj_hours=520,
        programme__name="Data Analyst L4",
        start_date=START,
        planned_end_date=END,
        weekly_hours=Decimal("30"),
    )
