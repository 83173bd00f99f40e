"""Repeated wrong passwords lock an account from that address; a Supervisor can unlock it."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from tests.factories import PASSWORD
from users.models import User

LIMIT = 5
ELSEWHERE = "203.0.113.9"


@pytest.fixture(autouse=True)
def _lockout_settings(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)


def sign_in(client, email, password, address="127.0.0.1"):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def fail(client, email, times=LIMIT, address="127.0.0.1"):
    for _ in range(times):
        response = sign_in(client, email, "wrong-password", address)
    return response


def sign_in_entries(user) -> list[AuditEntry]:
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_id=user.pk,
        action=AuditEntry.Action.ACCESS,
    ).order_by("pk")
    return [e for e in entries if "sign_in" in e.changes_dict]


@pytest.fixture
def visitor():
    """A browser of its own for the sign-in attempts, apart from the signed-in ``client``."""
    return Client()


def test_one_wrong_password_fewer_than_the_limit_does_not_lock(client, tutor):
    fail(client, tutor.email, times=LIMIT - 1)
    assert sign_in(client, tutor.email, PASSWORD).status_code == 302


def test_too_many_wrong_passwords_lock_and_then_refuse_the_right_one(client, tutor):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC), tick=False):
        assert fail(client, tutor.email).status_code == 429

        response = sign_in(client, tutor.email, PASSWORD)

    assert response.status_code == 429
    body = response.content.decode()
    assert "This account is locked" in body
    # 09:15 UTC is 09:15 in London in March (before the clocks change).
    assert "You can try again after 09:45 (UK time), even with the right password." in body
    assert "ask a Supervisor to unlock your account" in body
    assert '<form method="post"' in body  # the portal's sign-in page, not a bare message
    assert client.get("/users/").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, tutor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(client, tutor.email)
        traveller.shift(datetime.timedelta(minutes=29))
        assert sign_in(client, tutor.email, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=2))
        assert sign_in(client, tutor.email, PASSWORD).status_code == 302


def test_email_case_does_not_dodge_the_lock(client, tutor):
    fail(client, "TUTOR@example.org")
    assert sign_in(client, tutor.email, PASSWORD).status_code == 429


def test_another_account_from_the_same_address_is_not_locked(client, tutor, colleague):
    fail(client, tutor.email)
    assert sign_in(client, colleague.email, PASSWORD).status_code == 302


def test_the_same_account_from_another_address_is_not_locked(client, tutor):
    fail(client, tutor.email, address=ELSEWHERE)
    assert sign_in(client, tutor.email, PASSWORD).status_code == 302


def test_the_lock_is_written_once_to_the_users_audit_trail_with_the_address(client, tutor):
    fail(client, tutor.email, address=ELSEWHERE)
    sign_in(client, tutor.email, PASSWORD, address=ELSEWHERE)  # refused while locked

    entries = sign_in_entries(tutor)
    assert len(entries) == 1
    assert "Locked until" in entries[0].changes_dict["sign_in"][1]
    assert (
        f"after {LIMIT} failed attempts from {ELSEWHERE}" in entries[0].changes_dict["sign_in"][1]
    )
    assert entries[0].remote_addr == ELSEWHERE


def test_a_lock_on_an_unknown_email_writes_no_audit_entry(client, db):
    fail(client, "nobody@example.org")
    assert not [e for e in AuditEntry.objects.all() if "sign_in" in e.changes_dict]


def test_supervisor_sees_the_lock_on_the_profile(client, as_user, supervisor, tutor):
    fail(client, tutor.email, address=ELSEWHERE)
    until = timezone.localtime(timezone.now() + datetime.timedelta(minutes=30))

    body = as_user(supervisor).get(f"/users/{tutor.pk}/").content.decode()

    assert f"Sign-in locked until {until:%H:%M} after {LIMIT} failed attempts" in body
    assert f'href="/users/{tutor.pk}/unlock/"' in body


def test_profile_shows_no_lock_when_there_is_none(as_user, supervisor, tutor):
    body = as_user(supervisor).get(f"/users/{tutor.pk}/").content.decode()
    assert "Sign-in locked" not in body


def test_other_viewers_do_not_see_the_lock_or_the_button(client, as_user, tutor, learner):
    fail(client, learner.email)
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "Sign-in locked" not in body
    assert "/unlock/" not in body


def test_unlock_asks_for_confirmation_without_changing_anything(
    visitor, as_user, supervisor, tutor
):
    fail(visitor, tutor.email)
    response = as_user(supervisor).get(f"/users/{tutor.pk}/unlock/")
    assert response.status_code == 200
    assert "Unlock Tara Tutor" in response.content.decode()
    assert sign_in(visitor, tutor.email, PASSWORD).status_code == 429


def test_supervisor_unlocks_and_the_user_can_sign_in_again(visitor, as_user, supervisor, tutor):
    fail(visitor, tutor.email, address=ELSEWHERE)
    client = as_user(supervisor)

    response = client.post(f"/users/{tutor.pk}/unlock/", REMOTE_ADDR="198.51.100.7")

    assert response.status_code == 302
    assert response["Location"] == f"/users/{tutor.pk}/"
    entry = sign_in_entries(tutor)[-1]
    assert entry.changes_dict["sign_in"][1].startswith("Unlocked (was locked until")
    assert entry.actor == supervisor
    assert entry.remote_addr == "198.51.100.7"
    assert sign_in(visitor, tutor.email, PASSWORD, address=ELSEWHERE).status_code == 302


def test_unlock_and_lock_show_in_the_users_audit_trail(client, as_user, supervisor, learner):
    fail(client, learner.email)
    supervisor_client = as_user(supervisor)
    supervisor_client.post(f"/users/{learner.pk}/unlock/")

    body = supervisor_client.get(f"/audit/users/{learner.pk}/").content.decode()

    assert "Locked until" in body
    assert "Unlocked (was locked until" in body


def test_unlocking_an_account_that_is_not_locked_says_so(as_user, supervisor, tutor):
    response = as_user(supervisor).get(f"/users/{tutor.pk}/unlock/", follow=True)
    assert "sign-in is not locked" in response.content.decode()


def test_colleague_gets_403_on_unlock(visitor, as_user, colleague, learner):
    fail(visitor, learner.email)
    assert as_user(colleague).post(f"/users/{learner.pk}/unlock/").status_code == 403
    assert sign_in(visitor, learner.email, PASSWORD).status_code == 429


def test_outsider_gets_404_on_unlock(as_user, outsider, learner):
    assert as_user(outsider).post(f"/users/{learner.pk}/unlock/").status_code == 404


def test_anonymous_is_sent_to_sign_in_from_unlock(client, learner):
    response = client.post(f"/users/{learner.pk}/unlock/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_supervisor_role_holds_the_unlock_permission(supervisor, tutor):
    assert supervisor.has_perm("users.unlock_account")
    assert not tutor.has_perm("users.unlock_account")


def test_behind_a_proxy_the_address_the_proxy_added_counts(client, settings, tutor):
    settings.CLIENT_ADDRESS_FROM_PROXY = True
    for made_up in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        client.post(
            "/login/",
            {"username": tutor.email, "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"{made_up}, {ELSEWHERE}",
        )
    right = {"username": tutor.email, "password": PASSWORD}
    # The made-up entries did not spread the failures over five addresses...
    assert client.post("/login/", right, HTTP_X_FORWARDED_FOR=ELSEWHERE).status_code == 429
    # ...and another client through the same proxy is not locked out.
    other = Client()
    assert other.post("/login/", right, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 302
