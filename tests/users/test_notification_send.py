"""``users.notifications.notification_send``: a notification row for the recipient and, unless
asked not to, one email through the outbox with an absolute link; nothing for the actor's own
action, nothing that survives a rollback, and nothing saved from a bad title or link."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.factories import UserFactory
from users.email_models import OutboundEmail
from users.notification_models import Notification
from users.notifications import notification_send, notification_send_many


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://portal.example.org/"


def _send(recipient, actor, **overrides):
    values = {
        "recipient": recipient,
        "title": "Tracker 'Laptop loan' assigned to you",
        "body": "Sam Supervisor assigned it to you.\nDue 31/12/2026.",
        "link": "/users/12/trackers/3/",
        "kind": "tracker",
        "actor": actor,
    }
    return notification_send(**(values | overrides))


def test_a_send_saves_an_unread_notification_for_the_recipient(tutor, supervisor):
    notification = _send(tutor, supervisor)
    saved = Notification.objects.get()
    assert saved == notification
    assert (saved.recipient, saved.actor, saved.kind) == (tutor, supervisor, "tracker")
    assert saved.title == "Tracker 'Laptop loan' assigned to you"
    assert saved.link == "/users/12/trackers/3/"
    assert saved.is_unread


def test_a_send_queues_one_email_with_the_title_body_and_absolute_link(
    tutor, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _send(tutor, supervisor)
    email = OutboundEmail.objects.get()
    assert (email.recipient, email.address, email.kind) == (tutor, tutor.email, "NOTIFICATION")
    assert email.subject == "Tracker 'Laptop loan' assigned to you"
    assert email.created_by == supervisor
    assert "https://portal.example.org/users/12/trackers/3/" in email.text_body
    assert "Due 31/12/2026." in email.text_body
    # The text part is not HTML-escaped; the HTML part is, and links the same page.
    assert "Tracker 'Laptop loan' assigned to you" in email.text_body
    assert 'href="https://portal.example.org/users/12/trackers/3/"' in email.html_body
    assert "Tracker &#x27;Laptop loan&#x27; assigned to you" in email.html_body
    assert "https://portal.example.org/notifications/" in email.text_body
    assert [message.to for message in mailoutbox] == [[tutor.email]]


def test_a_send_without_email_saves_the_notification_only(tutor, supervisor):
    _send(tutor, supervisor, email=False)
    assert Notification.objects.count() == 1
    assert not OutboundEmail.objects.exists()


def test_a_recipient_without_an_email_address_is_notified_in_the_portal_only(tree, supervisor):
    recipient = UserFactory(email="", groups=[tree["cohort"]])
    _send(recipient, supervisor)
    assert Notification.objects.filter(recipient=recipient).count() == 1
    assert not OutboundEmail.objects.exists()


def test_nobody_is_notified_of_their_own_action(tutor):
    assert _send(tutor, tutor) is None
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_send_by_the_portal_itself_has_no_actor(tutor):
    notification = _send(tutor, None)
    assert notification.actor is None
    assert OutboundEmail.objects.get().created_by is None


def test_a_send_inside_a_transaction_that_rolls_back_leaves_nothing_and_sends_nothing(
    tutor, supervisor, mailoutbox, django_capture_on_commit_callbacks
):
    def save_tracker_then_fail():
        with transaction.atomic():
            _send(tutor, supervisor)
            raise RuntimeError("the tracker could not be saved")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        save_tracker_then_fail()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "link",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/path",
        "/\\elsewhere.example",
        "users/12/",
        "",
        "/users/12/\nSet-Cookie: x",
        "/" + "a" * 500,
    ],
)
def test_a_link_outside_the_portal_is_refused_and_nothing_is_saved(tutor, supervisor, link):
    with pytest.raises(ValidationError) as refusal:
        _send(tutor, supervisor, link=link)
    assert "link" in refusal.value.message_dict
    assert not Notification.objects.exists()
    assert not OutboundEmail.objects.exists()


@pytest.mark.parametrize("title", ["", "x" * 201])
def test_a_missing_or_overlong_title_is_refused(tutor, supervisor, title):
    with pytest.raises(ValidationError) as refusal:
        _send(tutor, supervisor, title=title)
    assert "title" in refusal.value.message_dict
    assert not Notification.objects.exists()


def test_send_many_tells_each_person_once_and_never_the_actor(tutor, colleague, supervisor):
    # The assignee is also the creator; the approver (the actor) is among those told.
    sent = notification_send_many(
        recipients=[tutor, tutor, None, colleague, supervisor],
        title="Tracker approved",
        link="/users/12/trackers/3/",
        kind="tracker",
        actor=supervisor,
        email=False,
    )
    assert [n.recipient for n in sent] == [tutor, colleague]
    assert Notification.objects.count() == 2
