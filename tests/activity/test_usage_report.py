import datetime
import re

import pytest

from activity.models import ActivityEvent

from .factories import SignInFactory, VisitFactory
from .helpers import count_queries

Area = ActivityEvent.Area
UTC = datetime.UTC


def url(learner):
    return f"/users/{learner.pk}/activity/usage/"


@pytest.fixture
def october(time_machine):
    # Viewed in October 2026, so the report covers September (British Summer Time, UTC+1).
    time_machine.move_to(datetime.datetime(2026, 10, 14, 10, 0, tzinfo=UTC))


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_learner_cannot_use_the_portal_so_gets_403(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_only_learners_have_a_usage_report(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_any_administrator_who_sees_the_learner_may_view_it(as_user, colleague, learner):
    assert as_user(colleague).get(url(learner)).status_code == 200


def test_counts_per_day_cover_the_previous_month_in_uk_time(as_user, tutor, learner, october):
    def visit(area, *when):
        VisitFactory(user=learner, area=area, occurred_at=datetime.datetime(*when, tzinfo=UTC))

    # 31/08 23:30 UTC is 01/09 00:30 in London: the first day of the report.
    visit(Area.ONBOARDING, 2026, 8, 31, 23, 30)
    # 31/08 22:30 UTC is still 31/08 in London: outside.
    visit(Area.ONBOARDING, 2026, 8, 31, 22, 30)
    visit(Area.PROGRAMME_DETAILS, 2026, 9, 15, 9, 0)
    visit(Area.PROGRAMME_DETAILS, 2026, 9, 15, 14, 0)
    visit(Area.SUB_PROGRAMME, 2026, 9, 15, 16, 0)
    visit(Area.PREVIOUS_PROGRAMMES, 2026, 9, 30, 22, 59)
    # 30/09 23:00 UTC is 01/10 00:00 in London: this month, outside.
    visit(Area.PREVIOUS_PROGRAMMES, 2026, 9, 30, 23, 0)
    SignInFactory(user=learner, occurred_at=datetime.datetime(2026, 9, 15, 8, 0, tzinfo=UTC))
    VisitFactory(occurred_at=datetime.datetime(2026, 9, 15, 9, 0, tzinfo=UTC))  # someone else

    response = as_user(tutor).get(url(learner))
    days = {d.day: d for d in response.context["days"]}
    assert len(days) == 30
    first = days[datetime.date(2026, 9, 1)]
    assert (first.sign_ins, first.visit_counts) == (0, [0, 1, 0, 0])
    mid = days[datetime.date(2026, 9, 15)]
    assert (mid.sign_ins, mid.visit_counts) == (1, [2, 0, 1, 0])
    assert days[datetime.date(2026, 9, 30)].visit_counts == [0, 0, 0, 1]
    assert sum(d.total_visits for d in days.values()) == 5
    body = response.content.decode()
    assert "September 2026" in body
    assert "1 sign-in and 5 page visits last month." in body


def test_the_chart_is_an_accessible_svg_with_a_table_alternative(as_user, tutor, learner, october):
    VisitFactory(
        user=learner,
        area=Area.ONBOARDING,
        occurred_at=datetime.datetime(2026, 9, 3, 12, 0, tzinfo=UTC),
    )
    body = as_user(tutor).get(url(learner)).content.decode()
    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title id=" in svg
    assert "<desc id=" in svg
    assert "<rect" in svg
    assert 'fill="#E69F00"' in svg
    assert "03/09/2026, Onboarding: 1 visit" in svg
    assert "style=" not in body
    assert "<script" not in body.split("<body", 1)[1].replace('<script src="', "")
    table = re.search(r"<table.*?</table>", body, re.S).group(0)
    assert "<caption>Sign-ins and page visits per day, September 2026</caption>" in table
    assert '<th scope="row">03/09/2026</th>' in table
    assert "<details>" in body


def test_the_report_runs_a_fixed_number_of_queries(as_user, tutor, learner, october):
    client = as_user(tutor)
    at = datetime.datetime(2026, 9, 10, 12, 0, tzinfo=UTC)
    VisitFactory(user=learner, occurred_at=at)
    small = count_queries(client, url(learner))
    for day in range(1, 31):
        for area in Area:
            VisitFactory(user=learner, area=area, occurred_at=at.replace(day=day))
        SignInFactory(user=learner, occurred_at=at.replace(day=day))
    assert count_queries(client, url(learner)) == small
