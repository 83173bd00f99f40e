"""The Activity summary section on the profile page, and the page's fixed query count."""

import datetime

import pytest

from activity.models import ActivityEvent, Task
from tests.factories import EnrolmentFactory

from .factories import SignInFactory, TaskFactory, VisitFactory
from .helpers import count_queries

UTC = datetime.UTC
Area = ActivityEvent.Area


def row(term: str, value: int) -> str:
    return f'<dt class="col-7">{term}</dt><dd class="col-5">{value}</dd>'


@pytest.fixture
def now(time_machine):
    moment = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    time_machine.move_to(moment, tick=False)
    return moment


def test_the_section_counts_the_last_30_days(as_user, tutor, learner, now):
    days = datetime.timedelta(days=1)
    SignInFactory(user=learner, occurred_at=now - 31 * days)  # too old
    SignInFactory(user=learner, occurred_at=now - 29 * days)
    SignInFactory(user=learner, occurred_at=datetime.datetime(2026, 11, 28, 17, 45, tzinfo=UTC))
    VisitFactory.create_batch(3, user=learner, area=Area.ONBOARDING, occurred_at=now - days)
    VisitFactory(user=learner, area=Area.PREVIOUS_PROGRAMMES, occurred_at=now - 40 * days)
    TaskFactory(learner=learner, due_date=datetime.date(2026, 11, 1))
    TaskFactory(learner=learner, in_action_plan=True)
    TaskFactory(learner=learner, status=Task.Status.DONE)
    response = as_user(tutor).get(f"/users/{learner.pk}/")
    assert next(s["section"].key for s in response.context["sections"]) == "activity"
    body = response.content.decode()
    section = body.split('id="activity"', 1)[1].split("</section>", 1)[0]
    assert "Activity summary (last 30 days)" in section
    assert row("Sign-ins", 2) in section
    assert "28/11/2026 17:45" in section
    assert row("Onboarding visits", 3) in section
    assert row("Previous programmes visits", 0) in section
    assert "2 open tasks, <strong>1 overdue</strong>; 1 in the action plan." in section
    for link in ("activity/usage/", "activity/", "tasks/", "tasks/add/"):
        assert f'href="/users/{learner.pk}/{link}"' in section


def test_add_task_is_offered_only_to_those_who_may_edit(as_user, colleague, learner):
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert f"/users/{learner.pk}/tasks/" in body
    assert f"/users/{learner.pk}/tasks/add/" not in body


def test_the_section_is_for_learners_only(as_user, supervisor, tutor):
    response = as_user(supervisor).get(f"/users/{tutor.pk}/")
    assert "activity" not in [s["section"].key for s in response.context["sections"]]


def test_profile_runs_a_fixed_number_of_queries_with_activity_and_tasks(
    as_user, tutor, learner, now
):
    client = as_user(tutor)
    EnrolmentFactory(learner=learner)
    SignInFactory(user=learner)
    TaskFactory(learner=learner)
    small = count_queries(client, f"/users/{learner.pk}/")
    SignInFactory.create_batch(20, user=learner)
    for area in Area:
        VisitFactory.create_batch(5, user=learner, area=area)
    TaskFactory.create_batch(12, learner=learner)
    TaskFactory.create_batch(3, learner=learner, status=Task.Status.DONE, in_action_plan=True)
    assert count_queries(client, f"/users/{learner.pk}/") == small
    # The Activities section (crm) adds two: its latest rows and its count.
    assert small <= 42
