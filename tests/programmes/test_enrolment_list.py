"""A learner's programmes page: every enrolment, paginated, with the Programme section's
actions (the profile's section shows the current ones and the latest few)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnrolmentFactory


def url(learner, page=None):
    return f"/users/{learner.pk}/programmes/" + (f"?page={page}" if page else "")


def _history(learner, n):
    """``n`` earlier enrolments, the latest started last."""
    return [
        EnrolmentFactory(
            learner=learner,
            is_current=False,
            status="COMPLETE",
            start_date=datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
        )
        for i in range(n)
    ]


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_user_who_is_not_a_learner_has_no_programmes_page(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_a_colleague_sees_the_list_without_actions(as_user, colleague, learner):
    EnrolmentFactory(learner=learner, programme__name="Data Technician L3")
    response = as_user(colleague).get(url(learner))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Data Technician L3" in body
    assert "Change status" not in body
    assert "Enrol on a programme" not in body


def test_lists_25_a_page_the_current_one_first_then_the_latest_started(
    as_user, supervisor, learner
):
    earlier = _history(learner, 30)
    current = EnrolmentFactory(learner=learner, programme__name="Software Developer L4")
    client = as_user(supervisor)
    first = client.get(url(learner))
    rows = list(first.context["page"].object_list)
    assert len(rows) == 25
    assert rows[0] == current
    assert rows[1:] == earlier[::-1][:24]
    body = first.content.decode()
    assert "31 programmes" in body
    assert "Showing 1 to 25" in body
    # The section's actions are reachable here too, for the current programme.
    assert f"/users/{learner.pk}/programmes/{current.pk}/status/" in body
    assert f"/users/{learner.pk}/programmes/enrol/" in body
    second = client.get(url(learner, 2))
    assert list(second.context["page"].object_list) == earlier[::-1][24:]


def test_a_learner_without_programmes_gets_the_empty_state(as_user, supervisor, learner):
    body = as_user(supervisor).get(url(learner)).content.decode()
    assert "empty-state" in body
    assert "Not enrolled on a programme yet." in body
    assert "Use Enrol on a programme to choose the first one." in body


def test_a_page_number_out_of_range_shows_the_last_page(as_user, tutor, learner):
    _history(learner, 3)
    response = as_user(tutor).get(url(learner, 99))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(as_user, supervisor, learner):
    client = as_user(supervisor)
    EnrolmentFactory(learner=learner)
    small = _queries(client, url(learner))
    _history(learner, 30)
    assert _queries(client, url(learner)) == small
