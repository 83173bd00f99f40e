"""A learner's Activities page: search by a day (a London calendar day, midnight to midnight,
whatever the clock change) or a period, by type and direction; sorting; pagination."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import CrmActivity

from .factories import ActivityFactory, CrmLinkFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def url(learner, query=""):
    return f"/users/{learner.pk}/activities/{'?' + query if query else ''}"


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def subjects(response) -> list[str]:
    return [activity.subject for activity, _ in response.context["rows"]]


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_the_learner_themself_gets_nothing(as_user, learner):
    ActivityFactory(learner=learner, subject="Private call")
    response = as_user(learner).get(url(learner))
    assert response.status_code == 403
    assert "Private call" not in response.content.decode()


def test_the_learners_own_page_shows_no_activities(as_user, learner):
    ActivityFactory(learner=learner, subject="Private call")
    response = as_user(learner).get("/me/", follow=True)
    assert response.status_code == 200
    assert "Private call" not in response.content.decode()


@pytest.mark.parametrize("who", ["colleague", "tutor", "supervisor"])
def test_administrators_who_see_the_learner_get_the_list(request, as_user, learner, who):
    ActivityFactory(learner=learner, subject="Checked in")
    ActivityFactory(subject="Someone else's")
    body = as_user(request.getfixturevalue(who)).get(url(learner)).content.decode()
    assert "Checked in" in body
    assert "Someone else&#x27;s" not in body


def test_newest_first(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject="Older", occurred_at=at(2026, 3, 1, 9, 0))
    ActivityFactory(learner=learner, subject="Newer", occurred_at=at(2026, 3, 2, 9, 0))
    assert subjects(as_user(tutor).get(url(learner))) == ["Newer", "Older"]


def test_a_day_runs_from_london_midnight_to_midnight(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject="Late before", occurred_at=at(2026, 11, 9, 23, 59))
    ActivityFactory(learner=learner, subject="Midnight", occurred_at=at(2026, 11, 10, 0, 0))
    ActivityFactory(learner=learner, subject="Last minute", occurred_at=at(2026, 11, 10, 23, 59))
    ActivityFactory(learner=learner, subject="Next day", occurred_at=at(2026, 11, 11, 0, 0))
    found = subjects(as_user(tutor).get(url(learner, "day=2026-11-10")))
    assert found == ["Last minute", "Midnight"]


def test_a_summer_day_starts_at_london_midnight_not_utc(as_user, tutor, learner):
    # 00:30 London on 1 July is 23:30 UTC on 30 June: it belongs to 1 July.
    ActivityFactory(learner=learner, subject="Just after", occurred_at=at(2026, 7, 1, 0, 30))
    ActivityFactory(learner=learner, subject="Just before", occurred_at=at(2026, 6, 30, 23, 30))
    found = subjects(as_user(tutor).get(url(learner, "day=2026-07-01")))
    assert found == ["Just after"]


def test_the_day_the_clocks_go_back_has_25_hours(as_user, tutor, learner):
    # 25 October 2026: 01:00-02:00 happens twice (BST then GMT).
    ActivityFactory(learner=learner, subject="Start", occurred_at=at(2026, 10, 25, 0, 0))
    ActivityFactory(
        learner=learner,
        subject="Second 01:30",
        occurred_at=datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC),
    )
    ActivityFactory(learner=learner, subject="End", occurred_at=at(2026, 10, 25, 23, 59))
    ActivityFactory(learner=learner, subject="After", occurred_at=at(2026, 10, 26, 0, 0))
    ActivityFactory(learner=learner, subject="Before", occurred_at=at(2026, 10, 24, 23, 59))
    found = subjects(as_user(tutor).get(url(learner, "day=2026-10-25")))
    assert found == ["End", "Second 01:30", "Start"]


def test_a_period_across_the_spring_clock_change_keeps_its_midnights(as_user, tutor, learner):
    # The clocks go forward on 29 March 2026: 30 March starts at 23:00 UTC on the 29th.
    ActivityFactory(learner=learner, subject="28th", occurred_at=at(2026, 3, 28, 12, 0))
    ActivityFactory(learner=learner, subject="29th", occurred_at=at(2026, 3, 29, 23, 30))
    ActivityFactory(learner=learner, subject="30th early", occurred_at=at(2026, 3, 30, 0, 15))
    ActivityFactory(learner=learner, subject="31st", occurred_at=at(2026, 3, 31, 0, 0))
    found = subjects(as_user(tutor).get(url(learner, "date_from=2026-03-29&date_to=2026-03-30")))
    assert found == ["30th early", "29th"]


def test_a_period_with_only_a_start_or_an_end(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject="Early", occurred_at=at(2026, 1, 5, 9, 0))
    ActivityFactory(learner=learner, subject="Late", occurred_at=at(2026, 6, 5, 9, 0))
    client = as_user(tutor)
    assert subjects(client.get(url(learner, "date_from=2026-06-05"))) == ["Late"]
    assert subjects(client.get(url(learner, "date_to=2026-01-05"))) == ["Early"]


def test_a_reversed_period_is_a_clear_error(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject="Any")
    response = as_user(tutor).get(url(learner, "date_from=2026-05-02&date_to=2026-05-01"))
    assert response.status_code == 200
    assert "The end of the period must be on or after its start." in response.content.decode()
    assert subjects(response) == []


def test_a_day_and_a_period_together_is_an_error(as_user, tutor, learner):
    response = as_user(tutor).get(url(learner, "day=2026-05-02&date_from=2026-05-01"))
    assert "Search by a day or by a period" in response.content.decode()


def test_a_garbled_date_is_an_error_not_a_crash(as_user, tutor, learner):
    response = as_user(tutor).get(url(learner, "day=31/31/2026"))
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_search_by_type_and_direction(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject="Call", activity_type="PHONE", direction="OUT")
    ActivityFactory(learner=learner, subject="Email in", activity_type="EMAIL", direction="IN")
    ActivityFactory(learner=learner, subject="Email out", activity_type="EMAIL", direction="OUT")
    client = as_user(tutor)
    assert subjects(client.get(url(learner, "activity_type=EMAIL&direction=IN"))) == ["Email in"]
    assert sorted(subjects(client.get(url(learner, "activity_type=EMAIL")))) == [
        "Email in",
        "Email out",
    ]


def test_sorting_by_subject(as_user, tutor, learner):
    for subject in ("Bravo", "Alpha", "Charlie"):
        ActivityFactory(learner=learner, subject=subject)
    client = as_user(tutor)
    assert subjects(client.get(url(learner, "sort=subject"))) == ["Alpha", "Bravo", "Charlie"]
    assert subjects(client.get(url(learner, "sort=-subject"))) == ["Charlie", "Bravo", "Alpha"]
    # An unknown sort falls back to newest first rather than failing.
    assert client.get(url(learner, "sort=password")).status_code == 200


def test_pagination_keeps_the_filters(as_user, tutor, learner):
    for n in range(30):
        ActivityFactory(
            learner=learner,
            activity_type="EMAIL",
            occurred_at=at(2026, 1, 1, 9, 0) + datetime.timedelta(hours=n),
        )
    ActivityFactory(learner=learner, activity_type="PHONE")
    client = as_user(tutor)
    first = client.get(url(learner, "activity_type=EMAIL"))
    assert len(first.context["rows"]) == 25
    assert first.context["page"].paginator.count == 30
    assert "activity_type=EMAIL&amp;page=2" in first.content.decode()
    second = client.get(url(learner, "activity_type=EMAIL&page=2"))
    assert len(second.context["rows"]) == 5


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_runs_a_fixed_number_of_queries(as_user, tutor, supervisor, learner):
    link = CrmLinkFactory(learner=learner)
    client = as_user(tutor)
    ActivityFactory(learner=learner, created_by=tutor)
    small = _queries(client, url(learner))
    ActivityFactory.create_batch(20, learner=learner, created_by=supervisor)
    ActivityFactory.create_batch(
        10, learner=learner, with_whom=CrmActivity.With.CRM, crm_contact=link.crm_contact
    )
    assert _queries(client, url(learner)) == small
    assert _queries(client, url(learner, "activity_type=PHONE&sort=author")) == small
