import datetime
import re

import pytest

from activity.models import Task
from audit.models import AuditEntry


def url(learner):
    return f"/users/{learner.pk}/tasks/add/"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC))


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).post(url(learner), {"title": "Revise"}).status_code == 404
    assert not Task.objects.exists()


def test_colleague_without_edit_permission_gets_403(as_user, colleague, learner):
    client = as_user(colleague)
    assert client.get(url(learner)).status_code == 403
    assert client.post(url(learner), {"title": "Revise"}).status_code == 403
    assert not Task.objects.exists()


def test_tasks_are_for_learners_only(as_user, supervisor, tutor):
    assert as_user(supervisor).get(url(tutor)).status_code == 404


def test_the_form_has_labelled_fields(as_user, tutor, learner):
    body = as_user(tutor).get(url(learner)).content.decode()
    assert re.search(r'<label\s+for="id_title"', body)
    assert re.search(r'<label\s+for="id_due_date"', body)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "due_date": ""}, "Enter the task."),
        ({"title": "   ", "due_date": ""}, "Enter the task."),
        (
            {"title": "x" * 201, "due_date": ""},
            "Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            {"title": "Revise", "due_date": "28/11/2026"},
            "The due date cannot be in the past: choose 29/11/2026 or later.",
        ),
        ({"title": "Revise", "due_date": "31/02/2026"}, "Enter a valid date."),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(as_user, tutor, learner, data, message):
    response = as_user(tutor).post(url(learner), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "Nothing has been saved yet." in body
    assert data["title"][:50] in body
    assert not Task.objects.exists()


def test_task_is_saved_redirects_and_is_audited(as_user, tutor, learner):
    response = as_user(tutor).post(
        url(learner), {"title": "  Book the EPA gateway  ", "due_date": "29/11/2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/tasks/"
    task = Task.objects.get()
    assert (task.learner, task.title, task.due_date) == (
        learner,
        "Book the EPA gateway",
        datetime.date(2026, 11, 29),
    )
    assert (task.status, task.in_action_plan, task.created_by) == (Task.Status.OPEN, False, tutor)
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.actor == tutor
    assert entry.object_id == task.pk
    assert entry.action == AuditEntry.Action.CREATE


def test_the_due_date_is_optional(as_user, tutor, learner):
    as_user(tutor).post(url(learner), {"title": "Read the handbook", "due_date": ""})
    assert Task.objects.get().due_date is None
