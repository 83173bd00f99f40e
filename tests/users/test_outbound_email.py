"""Emails as tasks: an outbox row rendered when queued, sent once by ``users.tasks.send_email``,
a failure kept with its reason (and shown on the profile), temporary failures retried, a send
whose worker vanished recovered, and nothing queued when the change behind it rolls back."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from tests.factories import AdminFactory, UserFactory
from users import tasks
from users.email_models import OutboundEmail
from users.emails import email_queue, email_send_again
from users.models import User

Status = OutboundEmail.Status


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses the connection (a temporary failure)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, b"Service not available")


class UnknownAddressBackend(BaseEmailBackend):
    """A mail server that refuses the recipient for good (a permanent failure)."""

    def send_messages(self, email_messages):
        to = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({to: (550, b"No such user")})


class RefusingOnceBackend(BaseEmailBackend):
    """Down for the first attempt, then back: the retry delivers."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise ConnectionRefusedError(111, "Connection refused")
        mail.outbox.extend(email_messages)
        return len(email_messages)


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


def _invite(client, user, capture):
    """POST the invitation and run the on-commit callbacks, as a real request would."""
    user.refresh_from_db()
    with capture(execute=True):
        response = client.post(f"/users/{user.pk}/invite/", {"version": user.version})
    assert response.status_code == 302
    return OutboundEmail.objects.get(recipient=user)


def _queue(capture, to="someone@example.org", actor=None) -> OutboundEmail:
    with capture(execute=True):
        return email_queue(
            to=to,
            subject="Your invitation to the learner portal",
            template="emails/invitation",
            context={
                "user": UserFactory.build(first_name="Ann"),
                "url": "https://x/",
                "valid_days": 7,
            },
            kind=OutboundEmail.Kind.INVITATION,
            actor=actor,
        )


# --- The invitation through the outbox ----------------------------------------------------------


def test_an_invitation_is_an_outbox_row_sent_once_by_the_task(
    as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks
):
    email = _invite(as_user(tutor), prospect, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (email.kind, email.status, email.attempts) == ("INVITATION", Status.SENT, 1)
    assert (email.address, email.created_by, email.error) == (prospect.email, tutor, "")
    assert email.sent_at is not None
    assert email.task_result_id
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["priya.patel@example.com"]
    # What went is exactly what the row kept when it was queued.
    assert (message.subject, message.body) == (email.subject, email.text_body)
    assert message.alternatives[0].content == email.html_body
    assert "/users/activate/" in email.text_body


def test_running_the_task_again_sends_nothing_more(
    as_user, tutor, prospect, mailoutbox, django_capture_on_commit_callbacks
):
    email = _invite(as_user(tutor), prospect, django_capture_on_commit_callbacks)
    assert tasks.send_email.call(email.pk) == "skipped"
    assert tasks.send_email.call(email.pk) == "skipped"
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1


def test_the_profile_shows_the_invitation_was_sent_with_its_time(
    as_user, tutor, prospect, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 3, tzinfo=datetime.UTC), tick=False)
    client = as_user(tutor)
    _invite(client, prospect, django_capture_on_commit_callbacks)
    body = client.get(f"/users/{prospect.pk}/").content.decode()
    assert "Email sent 01/12/2026 10:03" in body  # Europe/London is on GMT in December


def test_a_queued_invitation_says_so_on_the_profile(as_user, tutor, prospect):
    prospect.subscription_status = User.Status.INVITED
    prospect.invitation_sent_at = timezone.now()
    prospect.save()
    OutboundEmail.objects.create(
        recipient=prospect, address=prospect.email, kind="INVITATION", subject="s", text_body="b"
    )
    body = as_user(tutor).get(f"/users/{prospect.pk}/").content.decode()
    assert "Email queued" in body


def test_a_refused_connection_fails_with_the_reason_on_the_profile_and_resend_stays(
    as_user, tutor, prospect, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.users.test_outbound_email.RefusingBackend"
    client = as_user(tutor)
    email = _invite(client, prospect, django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.error == "The mail server refused the connection"
    assert mailoutbox == []
    # The invitation itself is saved: the administrator can send it again from the profile.
    prospect.refresh_from_db()
    assert prospect.subscription_status == User.Status.INVITED
    body = client.get(f"/users/{prospect.pk}/").content.decode()
    assert "Email not sent: The mail server refused the connection" in body
    assert "Resend invitation" in body
    assert f'href="/users/{prospect.pk}/invite/"' in body


# --- Failures and retries ------------------------------------------------------------------------


def test_a_temporary_failure_is_retried_up_to_the_maximum_then_stays_failed(
    db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.users.test_outbound_email.RefusingBackend"
    settings.TASKS_MAX_ATTEMPTS = 3
    email = _queue(django_capture_on_commit_callbacks)
    email.refresh_from_db()
    # The immediate backend cannot defer, so the retries run straight away, and stop at three.
    assert (email.status, email.attempts, email.temporary) == (Status.FAILED, 3, True)
    assert email.error == "The mail server refused the connection"
    assert mailoutbox == []


def test_a_temporary_failure_then_success_is_sent_on_the_retry(
    db, settings, mailoutbox, django_capture_on_commit_callbacks
):
    RefusingOnceBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.users.test_outbound_email.RefusingOnceBackend"
    email = _queue(django_capture_on_commit_callbacks)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.error) == (Status.SENT, 2, "")
    assert len(mailoutbox) == 1


def test_a_refused_address_fails_at_once_without_retrying(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.users.test_outbound_email.UnknownAddressBackend"
    email = _queue(django_capture_on_commit_callbacks, to="nobody@example.org")
    email.refresh_from_db()
    assert (email.status, email.attempts, email.temporary) == (Status.FAILED, 1, False)
    assert email.error == "The mail server refused the address nobody@example.org"


@pytest.mark.parametrize(
    ("error", "reason", "temporary"),
    [
        (smtplib.SMTPConnectError(421, b"busy"), "The mail server refused the connection", True),
        (ConnectionRefusedError(111, "refused"), "The mail server refused the connection", True),
        (TimeoutError("timed out"), "The mail server did not answer in time", True),
        (
            smtplib.SMTPAuthenticationError(535, b"bad"),
            "The mail server did not accept the portal's user name or password",
            False,
        ),
        (
            smtplib.SMTPDataError(451, b"try later"),
            "The mail server refused the email (451: try later)",
            True,
        ),
        (
            smtplib.SMTPDataError(554, b"spam"),
            "The mail server refused the email (554: spam)",
            False,
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"mailbox busy")}),
            "The mail server refused the address a@example.org",
            True,
        ),
    ],
)
def test_each_failure_has_a_plain_english_reason(error, reason, temporary):
    assert tasks.failure_reason(error, "a@example.org") == (reason, temporary)


def test_with_the_database_backend_a_retry_waits_before_it_runs(
    db, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.users.test_outbound_email.RefusingBackend"
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    email = _queue(django_capture_on_commit_callbacks)
    _run_worker()
    email.refresh_from_db()
    # Failed once, queued again for later: the worker does not pick it up straight away.
    assert (email.status, email.attempts) == (Status.QUEUED, 1)
    assert email.error == "The mail server refused the connection"
    retry = DBTaskResult.objects.get(id=email.task_result_id)
    assert retry.status == "READY"
    assert retry.run_after > timezone.now() + datetime.timedelta(seconds=30)


# --- Recovery ------------------------------------------------------------------------------------


def _stalled(attempts: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        address="stuck@example.org",
        kind="NOTIFICATION",
        subject="Stuck",
        text_body="Body",
        status=Status.SENDING,
        attempts=attempts,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=10),
    )


def test_a_send_whose_worker_vanished_is_queued_again_and_sent(db, mailoutbox):
    email = _stalled(attempts=1)
    lines = tasks.recover_stalled()
    assert lines == [f"Email {email.pk} to stuck@example.org: its worker stopped, queued again."]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert len(mailoutbox) == 1


def test_a_send_whose_worker_keeps_vanishing_fails_with_the_reason(db, settings, mailoutbox):
    settings.TASKS_MAX_ATTEMPTS = 3
    email = _stalled(attempts=3)
    assert len(tasks.recover_stalled()) == 1
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.error.startswith("The worker sending this email stopped before it finished")
    assert mailoutbox == []


def test_a_recent_send_is_left_alone(db, mailoutbox):
    email = _stalled(attempts=1)
    email.heartbeat_at = timezone.now()
    email.save()
    assert tasks.recover_stalled() == []
    email.refresh_from_db()
    assert email.status == Status.SENDING


def test_an_email_that_never_reached_the_queue_is_queued(db, mailoutbox):
    old = timezone.now() - datetime.timedelta(minutes=10)
    email = OutboundEmail.objects.create(
        address="late@example.org", kind="NOTIFICATION", subject="s", text_body="b", created_at=old
    )
    assert len(tasks.recover_stalled()) == 1
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert len(mailoutbox) == 1


# --- Transactions --------------------------------------------------------------------------------


def _queue_then_fail() -> None:
    with transaction.atomic():
        email_queue(
            to="someone@example.org",
            subject="s",
            template="emails/invitation",
            context={"url": "https://x/", "valid_days": 7},
            kind=OutboundEmail.Kind.INVITATION,
            actor=None,
        )
        raise RuntimeError("the change behind the email failed")


def test_nothing_is_queued_when_the_surrounding_transaction_rolls_back(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        _queue_then_fail()
    assert callbacks == []
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


def test_an_invitation_refused_as_stale_queues_no_email(as_user, tutor, prospect, mailoutbox):
    response = as_user(tutor).post(
        f"/users/{prospect.pk}/invite/", {"version": prospect.version - 1}
    )
    assert response.status_code == 409
    assert OutboundEmail.objects.count() == 0
    assert mailoutbox == []


# --- The real queue ------------------------------------------------------------------------------


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)


def test_a_queued_invitation_is_sent_by_a_database_worker(
    as_user, tutor, prospect, settings, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    email = _invite(as_user(tutor), prospect, django_capture_on_commit_callbacks)
    # The request only queued it.
    assert email.status == Status.QUEUED
    assert mailoutbox == []
    task = DBTaskResult.objects.get()
    assert (task.task_path, str(task.id)) == ("users.tasks.send_email", email.task_result_id)

    _run_worker()

    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# --- The admin -----------------------------------------------------------------------------------


def test_the_admin_lists_filters_and_searches_the_outbox(client, db):
    OutboundEmail.objects.create(
        address="a@example.org", kind="INVITATION", subject="s", text_body="b", status="FAILED"
    )
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin/users/outboundemail/").status_code == 200
    page = client.get("/admin/users/outboundemail/?status__exact=FAILED&kind__exact=INVITATION")
    assert "a@example.org" in page.content.decode()
    assert "a@example.org" in client.get("/admin/users/outboundemail/?q=a@example").text
    assert client.get("/admin/users/outboundemail/add/").status_code == 403


def test_send_again_in_the_admin_queues_failed_emails_only(client, db, mailoutbox):
    failed = OutboundEmail.objects.create(
        address="a@example.org",
        kind="INVITATION",
        subject="s",
        text_body="b",
        status="FAILED",
        attempts=3,
        error="The mail server refused the connection",
    )
    sent = OutboundEmail.objects.create(
        address="b@example.org", kind="INVITATION", subject="s", text_body="b", status="SENT"
    )
    client.force_login(AdminFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/users/outboundemail/",
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert "1 failed email queued to be sent again. 1 not failed, left alone." in response.text
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, failed.error) == (Status.QUEUED, 0, "")
    assert sent.status == Status.SENT


def test_send_again_sends_the_failed_email(db, mailoutbox, django_capture_on_commit_callbacks):
    failed = OutboundEmail.objects.create(
        address="a@example.org",
        kind="INVITATION",
        subject="s",
        text_body="b",
        status="FAILED",
        attempts=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert email_send_again(emails=[failed], actor=AdminFactory()) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Status.SENT, 1)
    assert len(mailoutbox) == 1
