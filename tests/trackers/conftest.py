import datetime

import pytest
from django.contrib.auth.models import Group as Role

from programmes.ilr.models import IlrLearner
from tests.factories import AdminFactory, EnrolmentFactory, ProgrammeFactory, make_ilr
from trackers.models import TrackerType


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    settings.SITE_URL = "https://portal.example.org"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def raiser(tutor):
    """The tutor, who may raise trackers (role Create Trackers) but not approve them."""
    tutor.roles.add(Role.objects.get(name="Create Trackers"))
    return tutor


@pytest.fixture
def approver(tree):
    return AdminFactory(
        first_name="Abi",
        last_name="Approver",
        email="approver@example.org",
        groups=[tree["north"]],
        roles=["Standard administrator", "Create Trackers", "Approve Change Requests"],
    )


@pytest.fixture
def programme(db):
    return ProgrammeFactory(
        name="Software developer L4", is_apprenticeship=True, standard_code=91, level=4
    )


@pytest.fixture
def enrolment(learner, programme):
    return EnrolmentFactory(
        learner=learner,
        programme=programme,
        is_current=True,
        start_date=datetime.date(2025, 9, 1),
        planned_end_date=datetime.date(2026, 9, 30),
        weekly_hours=30,
    )


@pytest.fixture
def ilr(learner, enrolment) -> IlrLearner:
    return make_ilr(learner, FamilyName=learner.last_name, GivenNames=learner.first_name)


def tracker_type(code: str) -> TrackerType:
    return TrackerType.objects.get(code=code)
