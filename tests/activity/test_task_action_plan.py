from audit.models import AuditEntry

from .factories import TaskFactory


def url(task):
    return f"/users/{task.learner_id}/tasks/{task.pk}/action-plan/"


def test_anonymous_is_redirected_to_login(client, learner):
    task = TaskFactory(learner=learner)
    assert client.post(url(task))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    task = TaskFactory(learner=learner)
    assert as_user(outsider).post(url(task)).status_code == 404
    task.refresh_from_db()
    assert not task.in_action_plan


def test_colleague_without_edit_permission_gets_403(as_user, colleague, learner):
    task = TaskFactory(learner=learner)
    assert as_user(colleague).post(url(task)).status_code == 403
    task.refresh_from_db()
    assert not task.in_action_plan


def test_adding_to_the_action_plan_saves_redirects_and_is_audited(as_user, tutor, learner):
    task = TaskFactory(learner=learner)
    client = as_user(tutor)
    response = client.post(url(task))
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/tasks/"
    task.refresh_from_db()
    assert task.in_action_plan
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.actor == tutor
    assert entry.object_id == task.pk
    assert entry.changes_dict["in_action_plan"] == ["False", "True"]
    assert "was added to the action plan" in client.get(response["Location"]).content.decode()


def test_adding_twice_changes_nothing(as_user, tutor, learner):
    task = TaskFactory(learner=learner, in_action_plan=True)
    entries = AuditEntry.objects.filter(learner=learner).count()
    response = as_user(tutor).post(url(task), follow=True)
    assert "was already in the action plan" in response.content.decode()
    assert AuditEntry.objects.filter(learner=learner).count() == entries
