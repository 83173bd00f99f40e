import datetime

from activity.models import Task

from .factories import TaskFactory
from .helpers import count_queries


def url(learner, action=""):
    return f"/users/{learner.pk}/tasks/{action}"


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")
    assert client.get(url(learner, "print/"))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    client = as_user(outsider)
    assert client.get(url(learner)).status_code == 404
    assert client.get(url(learner, "print/")).status_code == 404


def test_a_learner_cannot_use_the_portal_so_gets_403(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_only_learners_have_tasks(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_lists_title_due_date_status_setter_and_action_plan(as_user, tutor, learner):
    TaskFactory(
        learner=learner,
        title="Upload the first aid certificate",
        due_date=datetime.date(2026, 12, 24),
        created_by=tutor,
        in_action_plan=True,
    )
    body = as_user(tutor).get(url(learner)).content.decode()
    assert "Upload the first aid certificate" in body
    assert "24/12/2026" in body
    assert "<td>Open</td>" in body
    assert "Tara Tutor" in body
    assert "<td>Yes</td>" in body
    assert "Mark done" in body
    assert "Add to action plan" not in body
    assert f'href="/users/{learner.pk}/tasks/print/"' in body
    assert "<caption" in body


def test_open_tasks_come_first_soonest_due_first(as_user, tutor, learner):
    done = TaskFactory(learner=learner, status=Task.Status.DONE)
    undated = TaskFactory(learner=learner, due_date=None)
    later = TaskFactory(learner=learner, due_date=datetime.date(2027, 3, 1))
    sooner = TaskFactory(learner=learner, due_date=datetime.date(2027, 1, 1))
    response = as_user(tutor).get(url(learner))
    assert response.context["tasks"] == [sooner, later, undated, done]


def test_a_colleague_sees_the_tasks_without_the_action_buttons(as_user, colleague, learner):
    TaskFactory(learner=learner, title="Revise for the exam")
    body = as_user(colleague).get(url(learner)).content.decode()
    assert "Revise for the exam" in body
    assert "Mark done" not in body
    assert "Add task" not in body


def test_the_print_page_has_no_navigation_or_buttons(as_user, tutor, learner):
    TaskFactory(learner=learner, title="Revise for the exam")
    body = as_user(tutor).get(url(learner, "print/")).content.decode()
    assert "Revise for the exam" in body
    assert 'aria-label="Main"' not in body
    assert "Mark done" not in body
    assert "<script" not in body


def test_the_list_runs_a_fixed_number_of_queries(as_user, tutor, colleague, learner):
    client = as_user(tutor)
    TaskFactory(learner=learner, created_by=tutor)
    small = count_queries(client, url(learner))
    print_small = count_queries(client, url(learner, "print/"))
    TaskFactory.create_batch(10, learner=learner, created_by=colleague)
    TaskFactory.create_batch(5, learner=learner)
    assert count_queries(client, url(learner)) == small
    assert count_queries(client, url(learner, "print/")) == print_small
