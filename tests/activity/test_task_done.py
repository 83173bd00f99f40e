from activity.models import Task
from audit.models import AuditEntry

from .factories import TaskFactory


def url(task):
    return f"/users/{task.learner_id}/tasks/{task.pk}/done/"


def test_anonymous_is_redirected_to_login(client, learner):
    task = TaskFactory(learner=learner)
    assert client.post(url(task))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    task = TaskFactory(learner=learner)
    assert as_user(outsider).post(url(task)).status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_colleague_without_edit_permission_gets_403(as_user, colleague, learner):
    task = TaskFactory(learner=learner)
    assert as_user(colleague).post(url(task)).status_code == 403
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_another_learners_task_is_404(as_user, tutor, learner, tree):
    other = TaskFactory(learner__groups=[tree["cohort"]])
    response = as_user(tutor).post(f"/users/{learner.pk}/tasks/{other.pk}/done/")
    assert response.status_code == 404


def test_only_post_is_allowed(as_user, tutor, learner):
    task = TaskFactory(learner=learner)
    assert as_user(tutor).get(url(task)).status_code == 405


def test_marking_done_saves_redirects_and_is_audited(as_user, tutor, learner):
    task = TaskFactory(learner=learner)
    client = as_user(tutor)
    response = client.post(url(task))
    assert response.status_code == 302
    assert response["Location"] == f"/users/{learner.pk}/tasks/"
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    assert task.completed_at is not None
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.actor == tutor
    assert entry.object_id == task.pk
    assert entry.changes_dict["status"] == ["OPEN", "DONE"]
    assert "was marked done" in client.get(response["Location"]).content.decode()


def test_marking_a_done_task_again_changes_nothing(as_user, tutor, learner):
    task = TaskFactory(learner=learner)
    client = as_user(tutor)
    client.post(url(task))
    entries = AuditEntry.objects.filter(learner=learner).count()
    response = client.post(url(task), follow=True)
    assert "was already done" in response.content.decode()
    assert AuditEntry.objects.filter(learner=learner).count() == entries
