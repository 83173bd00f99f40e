from audit.models import AuditEntry
from users.models import User


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(f"/users/{learner.pk}/cancel/")["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert (
        as_user(outsider).post(f"/users/{learner.pk}/cancel/", {"reason": "x"}).status_code == 404
    )


def test_without_permission_gets_403(as_user, colleague, learner):
    client = as_user(colleague)
    assert client.get(f"/users/{learner.pk}/cancel/").status_code == 403
    assert client.post(f"/users/{learner.pk}/cancel/", {"reason": "Left"}).status_code == 403
    assert client.post(f"/users/{learner.pk}/reinstate/").status_code == 403
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.FULL_USER


def test_cancel_needs_a_reason(as_user, tutor, learner):
    response = as_user(tutor).post(f"/users/{learner.pk}/cancel/", {"reason": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.FULL_USER


def test_cancel_then_reinstate_returns_to_the_previous_status(as_user, tutor, learner):
    client = as_user(tutor)
    learner.subscription_status = User.Status.INVITED
    learner.save()
    response = client.post(
        f"/users/{learner.pk}/cancel/", {"reason": "Left the employer", "version": learner.version}
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.CANCELLED
    entry = AuditEntry.objects.filter(object_id=learner.pk).latest("timestamp")
    assert entry.actor == tutor
    assert entry.additional_data["reason"] == "Left the employer"
    assert entry.changes_dict["subscription_status"] == ["INVITED", "CANCELLED"]

    assert client.get(f"/users/{learner.pk}/reinstate/").status_code == 200
    learner.refresh_from_db()
    reinstate = client.post(
        f"/users/{learner.pk}/reinstate/",
        {"reason": "Back with the employer", "version": learner.version},
    )
    assert reinstate.status_code == 302
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.INVITED
    entry = AuditEntry.objects.filter(object_id=learner.pk).latest("timestamp")
    assert entry.changes_dict["subscription_status"] == ["CANCELLED", "INVITED"]
    assert entry.additional_data["reason"] == "Back with the employer"


def test_reinstate_needs_a_reason_as_the_readme_says(as_user, tutor, learner):
    learner.subscription_status = User.Status.CANCELLED
    learner.status_before_cancel = User.Status.FULL_USER
    learner.save()
    response = as_user(tutor).post(
        f"/users/{learner.pk}/reinstate/", {"reason": " ", "version": learner.version}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Reason for reinstating" in body
    assert "This field is required." in body
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.CANCELLED


def test_cannot_cancel_twice_or_reinstate_an_active_user(as_user, tutor, learner):
    client = as_user(tutor)
    response = client.post(f"/users/{learner.pk}/reinstate/", follow=True)
    assert "nothing to reinstate" in response.content.decode()
    learner.subscription_status = User.Status.CANCELLED
    learner.save()
    response = client.post(f"/users/{learner.pk}/cancel/", {"reason": "x"}, follow=True)
    assert "cannot be cancelled" in response.content.decode()


def test_supervisor_cannot_cancel_themselves(as_user, supervisor):
    assert as_user(supervisor).get(f"/users/{supervisor.pk}/cancel/").status_code == 403
