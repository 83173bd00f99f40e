"""The Trackers page: the trackers of the learners the viewer can see, those assigned to the
viewer first, with type, status, group, assignee and date filters."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from trackers.models import Tracker

from .conftest import tracker_type
from .factories import raise_tracker

URL = "/trackers/"


@pytest.fixture
def south_learner(tree):
    return UserFactory(first_name="Sally", last_name="South", groups=[tree["south"]])


@pytest.fixture
def trackers(learner, south_learner, raiser, approver, supervisor):
    return {
        "mine": raise_tracker(
            learner, "education", supervisor, description="Mine", assignee=raiser
        ),
        "theirs": raise_tracker(
            learner, "apprenticeship", supervisor, description="Theirs", assignee=approver
        ),
        "south": raise_tracker(south_learner, "education", supervisor, description="Southern"),
    }


def test_anonymous_is_sent_to_sign_in(client):
    assert "login" in client.get(URL)["Location"]


def test_a_learner_gets_403(as_user, learner):
    assert as_user(learner).get(URL).status_code == 403


def test_only_trackers_of_learners_in_scope_are_listed(as_user, raiser, trackers):
    body = as_user(raiser).get(URL).content.decode()
    assert "Mine" in body
    assert "Theirs" in body
    assert "Southern" not in body


def test_a_supervisor_sees_every_group(as_user, supervisor, trackers):
    assert "Southern" in as_user(supervisor).get(URL).content.decode()


def test_trackers_assigned_to_the_viewer_come_first(as_user, raiser, approver, trackers):
    body = as_user(approver).get(URL).content.decode()
    assert body.index("Theirs") < body.index("Mine")
    body = as_user(raiser).get(URL).content.decode()
    assert body.index("Mine") < body.index("Theirs")


def test_the_filters(as_user, raiser, approver, tree, trackers):
    client = as_user(raiser)

    def listed(**query):
        body = client.get(URL, query).content.decode()
        return {name for name in ("Mine", "Theirs") if f">{name}<" in body}

    assert listed(assignee="me") == {"Mine"}
    assert listed(assignee=approver.pk) == {"Theirs"}
    assert listed(tracker_type=tracker_type("apprenticeship").pk) == {"Theirs"}
    assert listed(status="CLOSED") == set()
    assert listed(group=tree["cohort"].pk) == {"Mine", "Theirs"}
    today = timezone.localdate()
    assert listed(raised_from=today.isoformat()) == {"Mine", "Theirs"}
    assert listed(raised_to=(today - datetime.timedelta(days=1)).isoformat()) == set()


def test_a_reversed_date_range_is_an_error_not_an_empty_list(as_user, raiser, trackers):
    response = as_user(raiser).get(URL, {"raised_from": "2026-06-01", "raised_to": "2026-05-01"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "on or after the start date" in body
    assert "Error:" in body


def test_an_empty_page_says_so(as_user, raiser):
    assert "No trackers yet." in as_user(raiser).get(URL).content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_the_page_runs_a_fixed_number_of_queries(
    as_user, raiser, learner, supervisor, count, django_assert_max_num_queries
):
    for number in range(count):
        raise_tracker(learner, "education", supervisor, description=f"T{number}")
    client = as_user(raiser)
    client.get(URL)
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
    assert Tracker.objects.count() == count
