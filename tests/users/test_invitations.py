import datetime
import re

import pytest
from django.http import HttpRequest

from audit.models import AuditEntry
from tests.factories import UserFactory
from users.models import User

from .test_user_create import learner_data

NEW_PASSWORD = "Brand-new-Pass-42!"
LINK = re.compile(r"http://testserver(/users/activate/[^/\s]+/)")


@pytest.fixture
def prospect(tree):
    user = UserFactory(
        first_name="Priya",
        last_name="Patel",
        email="priya.patel@example.com",
        subscription_status=User.Status.PROSPECT,
        groups=[tree["cohort"]],
    )
    user.set_unusable_password()
    user.save()
    return user


def invite_url(user):
    return f"/users/{user.pk}/invite/"


def send(client, user, capture):
    """POST the invitation and run the on-commit callbacks, as a real request would."""
    user.refresh_from_db()
    with capture(execute=True):
        response = client.post(invite_url(user), {"version": user.version})
    return response


def link_in(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def last_entry(user) -> AuditEntry:
    return AuditEntry.objects.filter(object_id=user.pk).latest("timestamp")


def test_anonymous_is_redirected_to_login_when_sending(client, prospect):
    assert client.get(invite_url(prospect))["Location"].startswith("/login/")
    assert client.post(invite_url(prospect))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, prospect, mailoutbox):
    assert as_user(outsider).post(invite_url(prospect)).status_code == 404
    assert mailoutbox == []


def test_colleague_without_edit_permission_gets_403(as_user, colleague, prospect, mailoutbox):
    client = as_user(colleague)
    assert client.get(invite_url(prospect)).status_code == 403
    assert client.post(invite_url(prospect)).status_code == 403
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.PROSPECT
    assert mailoutbox == []


def test_profile_offers_send_to_a_prospect_only_to_editors(as_user, tutor, colleague, prospect):
    assert "Send invitation" in as_user(tutor).get(f"/users/{prospect.pk}/").content.decode()
    assert (
        "Send invitation" not in as_user(colleague).get(f"/users/{prospect.pk}/").content.decode()
    )


def test_profile_offers_resend_with_the_last_sent_time(as_user, tutor, prospect, time_machine):
    time_machine.move_to(datetime.datetime(2026, 7, 1, 9, 30, tzinfo=datetime.UTC))
    prospect.subscription_status = User.Status.INVITED
    prospect.invitation_sent_at = datetime.datetime(2026, 6, 30, 14, 5, tzinfo=datetime.UTC)
    prospect.save()
    body = as_user(tutor).get(f"/users/{prospect.pk}/").content.decode()
    # Shown in Europe/London time (BST in June).
    assert "Resend (last sent 30/06/2026 15:05)" in body
    assert "Send invitation" not in body


def test_confirmation_page_on_get_changes_nothing(as_user, tutor, prospect, mailoutbox):
    response = as_user(tutor).get(invite_url(prospect))
    assert response.status_code == 200
    assert "Send an invitation to Priya Patel?" in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.PROSPECT
    assert mailoutbox == []


def test_sending_makes_a_prospect_invited_and_emails_a_working_link(
    as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks
):
    client = as_user(tutor)
    response = send(client, prospect, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"/users/{prospect.pk}/"
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED
    assert prospect.invitation_sent_at is not None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["priya.patel@example.com"]
    assert message.alternatives[0].mimetype == "text/html"
    entry = last_entry(prospect)
    assert entry.actor == tutor
    assert entry.additional_data["reason"] == "Invitation sent"
    assert entry.changes_dict["subscription_status"] == ["PROSPECT", "INVITED"]

    client.logout()
    page = client.get(link_in(message))
    assert page.status_code == 200
    assert "Activate your account" in page.content.decode()


def test_the_email_goes_only_when_the_transaction_commits(as_user, tutor, prospect, mailoutbox):
    as_user(tutor).post(invite_url(prospect), {"version": prospect.version})
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED
    assert mailoutbox == []


def test_resend_replaces_the_link_and_the_old_one_says_superseded(
    client, as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC))
    admin = as_user(tutor)
    send(admin, prospect, django_capture_on_commit_callbacks)
    time_machine.move_to(datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC))
    response = admin.get(invite_url(prospect))
    assert "Resend the invitation to Priya Patel?" in response.content.decode()
    send(admin, prospect, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    old, new = link_in(mailoutbox[0]), link_in(mailoutbox[1])
    assert old != new
    client.logout()
    response = client.get(old)
    assert response.status_code == 410
    assert "This invitation has been replaced" in response.content.decode()
    assert client.get(new).status_code == 200


def test_cannot_send_to_a_full_user(
    as_user, tutor, learner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(tutor).post(invite_url(learner), follow=True)
    assert "No invitation was sent. John Smith is Full user" in response.content.decode()
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.FULL_USER
    assert mailoutbox == []
    assert "Send invitation" not in as_user(tutor).get(f"/users/{learner.pk}/").content.decode()


def test_a_prospect_without_email_gets_a_clear_error_and_nothing_changes(
    as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks
):
    prospect.email = None
    prospect.save()
    version = User.objects.get(pk=prospect.pk).version
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(tutor).post(invite_url(prospect), follow=True)
    assert "Priya Patel has no email address" in response.content.decode()
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.PROSPECT
    assert prospect.invitation_sent_at is None
    assert prospect.version == version
    assert mailoutbox == []


@pytest.fixture
def link(as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks, client):
    """A prospect invited by the tutor; the client is signed out again, like the invitee."""
    send(as_user(tutor), prospect, django_capture_on_commit_callbacks)
    client.logout()
    return link_in(mailoutbox[-1])


def test_activation_page_shows_the_sign_in_email_read_only(client, link):
    body = client.get(link).content.decode()
    assert 'value="priya.patel@example.com"' in body
    assert "readonly" in body


def test_weak_password_re_renders_with_errors_and_changes_nothing(client, link, prospect):
    response = client.post(link, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This password is too short" in body
    assert "has not been activated yet" in body
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED
    assert prospect.invitation_accepted_at is None
    assert not prospect.has_usable_password()


def test_a_password_containing_the_invitees_name_is_refused_with_a_clear_message(
    client, link, prospect
):
    password = "Patel-Lantern-72!"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Your password must not contain your first name, last name or email address." in body
    assert "has not been activated yet" in body
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED
    assert not prospect.has_usable_password()


def test_mismatched_passwords_are_refused(client, link, prospect):
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": "Other-Pass-42!"})
    assert response.status_code == 200
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED


def test_good_activation_makes_a_full_user_who_can_sign_in(client, link, prospect):
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert "Your account is active" in page
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.FULL_USER
    assert prospect.invitation_accepted_at is not None
    assert client.login(
        request=HttpRequest(), username="priya.patel@example.com", password=NEW_PASSWORD
    )
    entry = last_entry(prospect)
    assert entry.additional_data["reason"] == "Invitation accepted"
    assert entry.changes_dict["subscription_status"] == ["INVITED", "FULL_USER"]
    assert "password" not in entry.changes_dict


def test_reusing_the_link_says_it_was_already_used(client, link, prospect):
    client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    response = client.post(link, {"new_password1": "Another-Pass-77!", "new_password2": "x"})
    assert response.status_code == 410
    assert client.login(
        request=HttpRequest(), username="priya.patel@example.com", password=NEW_PASSWORD
    )


def test_link_expires_after_seven_days(
    client, as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 7, 1, 9, 0, tzinfo=datetime.UTC))
    send(as_user(tutor), prospect, django_capture_on_commit_callbacks)
    client.logout()
    link = link_in(mailoutbox[0])
    time_machine.move_to(datetime.datetime(2026, 7, 7, 23, 0, tzinfo=datetime.UTC))
    assert client.get(link).status_code == 200
    time_machine.move_to(datetime.datetime(2026, 7, 8, 9, 1, tzinfo=datetime.UTC))
    response = client.get(link)
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 410
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "x" + t, lambda t: "junk"])
def test_tampered_link_shows_a_clear_page(client, link, mangle):
    token = link.split("/")[-2]
    response = client.get(f"/users/activate/{mangle(token)}/")
    assert response.status_code == 410
    assert "This invitation link is not valid" in response.content.decode()


def test_a_cancelled_invitee_cannot_activate(client, link, prospect):
    prospect.refresh_from_db()
    prospect.subscription_status = User.Status.CANCELLED
    prospect.save()
    response = client.get(link)
    assert response.status_code == 410
    assert "no longer open" in response.content.decode()


def test_creating_an_admin_sends_the_activation_email(
    as_user, supervisor, tree, mailoutbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(supervisor).post(
            "/users/create/admin/",
            {
                "first_name": "Ada",
                "last_name": "Min",
                "email": "ada@provider.example",
                "groups": [tree["north"].pk],
                "roles": [],
            },
        )
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["ada@provider.example"]]
    client.logout()
    assert client.get(link_in(mailoutbox[0])).status_code == 200


def test_creating_a_learner_with_invite_now_sends_one_email(
    as_user, tutor, tree, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(tutor).post("/users/create/user/", learner_data(tree, invite_now="yes"))
    assert [m.to for m in mailoutbox] == [["amara.okafor@example.com"]]


def test_creating_a_prospect_sends_no_email(
    as_user, tutor, tree, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_user(tutor).post("/users/create/user/", learner_data(tree, invite_now="no"))
    assert User.objects.get(last_name="Okafor").subscription_status == User.Status.PROSPECT
    assert mailoutbox == []
