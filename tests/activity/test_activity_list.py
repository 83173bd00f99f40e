import datetime

import pytest

from activity.models import ActivityEvent

from .factories import SignInFactory, VisitFactory
from .helpers import count_queries

UTC = datetime.UTC


def url(learner, page=None):
    return f"/users/{learner.pk}/activity/" + (f"?page={page}" if page else "")


@pytest.fixture
def november(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 20, 12, 0, tzinfo=UTC))


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_learner_cannot_use_the_portal_so_gets_403(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_only_learners_have_an_activity_list(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_lists_this_months_activity_newest_first_in_uk_time(as_user, tutor, learner, november):
    # 31/10 23:59 UTC is 31/10 in London (GMT since 25/10): last month, not listed.
    SignInFactory(user=learner, occurred_at=datetime.datetime(2026, 10, 31, 23, 59, tzinfo=UTC))
    first = VisitFactory(
        user=learner,
        area=ActivityEvent.Area.ONBOARDING,
        occurred_at=datetime.datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
    )
    latest = SignInFactory(
        user=learner, occurred_at=datetime.datetime(2026, 11, 20, 9, 5, tzinfo=UTC)
    )
    SignInFactory(occurred_at=datetime.datetime(2026, 11, 2, tzinfo=UTC))  # someone else
    response = as_user(tutor).get(url(learner))
    assert list(response.context["page"].object_list) == [latest, first]
    body = response.content.decode()
    assert "Activity of John Smith in November 2026" in body
    assert "20/11/2026 09:05" in body
    assert "Visited Onboarding" in body
    assert "<caption" in body


def test_is_paginated_25_to_a_page(as_user, tutor, learner, november):
    start = datetime.datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    events = [
        SignInFactory(user=learner, occurred_at=start + datetime.timedelta(hours=i))
        for i in range(30)
    ]
    client = as_user(tutor)
    page_one = client.get(url(learner)).context["page"]
    assert len(page_one.object_list) == 25
    assert page_one.object_list[0] == events[-1]
    page_two = client.get(url(learner, 2))
    assert list(page_two.context["page"].object_list) == events[4::-1]
    assert "Showing 26 to 30." in page_two.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(as_user, tutor, learner, november):
    client = as_user(tutor)
    SignInFactory(user=learner)
    small = count_queries(client, url(learner))
    SignInFactory.create_batch(40, user=learner)
    VisitFactory.create_batch(20, user=learner)
    assert count_queries(client, url(learner)) == small
    assert count_queries(client, url(learner, 3)) == small
