"""Two-factor sign-in: setting up an authenticator app, signing in with its code or a recovery
code, turning it off, and the setting that makes it mandatory for administrators."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from tests.factories import PASSWORD
from users import two_factor


def code_for(device: TOTPDevice) -> str:
    """The code the user's phone shows now."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def enable(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.unconfirmed_app_device(user)
    codes = two_factor.two_factor_enable(device=device, actor=user)
    return device, codes


def two_factor_entries(user) -> list[str]:
    entries = AuditEntry.objects.filter(
        object_id=user.pk, action=AuditEntry.Action.ACCESS, content_type__model="user"
    ).order_by("pk")
    return [e.changes_dict["two_factor"][1] for e in entries if "two_factor" in e.changes_dict]


def sign_in(client, user, password=PASSWORD, next_url=""):
    data = {"username": user.email, "password": password}
    url = f"/login/?next={next_url}" if next_url else "/login/"
    return client.post(url, data)


# Setting up.


def test_account_security_is_linked_from_the_navbar(as_user, tutor):
    body = as_user(tutor).get("/users/").content.decode()
    assert 'href="/account/security/"' in body


def test_account_security_says_two_factor_is_off(as_user, tutor):
    body = as_user(tutor).get("/account/security/").content.decode()
    assert "Off." in body
    assert 'href="/account/security/set-up/"' in body


def test_set_up_shows_a_qr_code_as_an_image_and_the_key_in_text(as_user, tutor):
    response = as_user(tutor).get("/account/security/set-up/")
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=tutor, confirmed=False)
    assert 'src="data:image/svg+xml;base64,' in body
    assert two_factor.secret_text(device) in body
    # Reloading keeps the same secret, so a scanned code stays valid.
    as_user(tutor).get("/account/security/set-up/")
    assert TOTPDevice.objects.filter(user=tutor).count() == 1


def test_a_right_code_turns_two_factor_on_and_shows_ten_recovery_codes_once(as_user, tutor):
    client = as_user(tutor)
    client.get("/account/security/set-up/")
    device = TOTPDevice.objects.get(user=tutor)

    response = client.post("/account/security/set-up/", {"code": code_for(device)})

    assert response.status_code == 302
    assert response["Location"] == "/account/security/recovery-codes/"
    device.refresh_from_db()
    assert device.confirmed
    body = client.get("/account/security/recovery-codes/").content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", body)
    assert len(shown) == 10
    assert set(shown) == set(
        StaticToken.objects.filter(device__user=tutor).values_list("token", flat=True)
    )
    # Shown once: a second visit does not show them.
    again = client.get("/account/security/recovery-codes/", follow=True).content.decode()
    assert shown[0] not in again
    assert two_factor_entries(tutor) == ["Two-factor sign-in turned on"]
    # The session that set it up has proved it holds the app and carries on.
    assert client.get("/users/").status_code == 200


def test_a_wrong_code_is_refused_and_nothing_is_turned_on(as_user, tutor):
    client = as_user(tutor)
    client.get("/account/security/set-up/")
    device = TOTPDevice.objects.get(user=tutor)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post("/account/security/set-up/", {"code": wrong})

    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.filter(device__user=tutor).exists()
    assert two_factor_entries(tutor) == []


def test_an_empty_code_is_refused_with_a_message(as_user, tutor):
    response = as_user(tutor).post("/account/security/set-up/", {"code": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_learners_cannot_use_account_security(as_user, learner):
    assert as_user(learner).get("/account/security/").status_code == 403


# Signing in.


def test_sign_in_asks_for_the_code_after_the_password(client, tutor):
    device, _ = enable(tutor)

    response = sign_in(client, tutor, next_url="/users/?name=smith")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/code/")
    # Not signed in yet: the portal still sends this browser to the sign-in page.
    assert client.get("/users/")["Location"].startswith("/login/")

    response = client.post(
        response["Location"], {"code": code_for(device), "next": "/users/?name=smith"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/users/?name=smith"
    assert client.get("/users/").status_code == 200


def test_a_wrong_code_at_sign_in_is_refused(client, tutor):
    device, _ = enable(tutor)
    sign_in(client, tutor)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post("/login/code/", {"code": wrong})

    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()
    assert client.get("/users/").status_code == 302


def test_a_recovery_code_signs_in_once(client, tutor):
    _, codes = enable(tutor)
    sign_in(client, tutor)

    assert client.post("/login/code/", {"code": codes[0].upper()}).status_code == 302
    assert client.get("/users/").status_code == 200
    assert two_factor_entries(tutor)[-1] == "Signed in with a recovery code (9 left)"

    other = Client()
    sign_in(other, tutor)
    response = other.post("/login/code/", {"code": codes[0]})
    assert response.status_code == 200
    assert "That code was not accepted" in response.content.decode()


def test_the_code_page_without_a_password_sends_back_to_sign_in(client, db):
    response = client.get("/login/code/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"


def test_a_signed_in_but_unverified_session_is_held_at_the_code_page(as_user, tutor):
    # A session signed in without the code step (force_login skips the form).
    device, _ = enable(tutor)
    client = as_user(tutor)

    response = client.get("/users/")

    assert response.status_code == 302
    assert response["Location"] == "/login/code/?next=%2Fusers%2F"
    assert client.post("/login/code/", {"code": code_for(device)}).status_code == 302
    assert client.get("/users/").status_code == 200


def test_a_session_noted_as_two_factor_is_released_when_it_was_turned_off_elsewhere(as_user, tutor):
    enable(tutor)
    client = as_user(tutor)
    assert client.get("/users/").status_code == 302
    two_factor.two_factor_disable(user=tutor, actor=tutor)
    assert client.get("/users/").status_code == 200


def test_ordinary_requests_cost_no_query_for_two_factor(as_user, tutor):
    client = as_user(tutor)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/users/").status_code == 200
    assert not [q for q in ctx.captured_queries if "otp_" in q["sql"]]


def test_users_without_two_factor_sign_in_with_the_password_alone(client, tutor):
    response = sign_in(client, tutor)
    assert response["Location"] == "/users/"
    assert client.get("/users/").status_code == 200


# Turning off and new recovery codes.


def test_turning_off_needs_the_password_or_a_code(as_user, tutor):
    enable(tutor)
    client = as_user(tutor)
    client.get("/users/")  # force_login leaves the session unverified
    # Verify this session as a real sign-in would.
    device = TOTPDevice.objects.get(user=tutor)
    client.post("/login/code/", {"code": code_for(device)})

    response = client.post("/account/security/turn-off/", {"secret": "not-it"})
    assert response.status_code == 200
    assert "still on" in response.content.decode()
    assert two_factor.is_enabled(tutor)

    response = client.post("/account/security/turn-off/", {"secret": PASSWORD})
    assert response.status_code == 302
    assert not two_factor.is_enabled(tutor)
    assert not StaticToken.objects.filter(device__user=tutor).exists()
    assert two_factor_entries(tutor)[-1] == "Two-factor sign-in turned off"


def test_new_recovery_codes_replace_the_old_ones(client, tutor):
    device, old_codes = enable(tutor)
    sign_in(client, tutor)
    client.post("/login/code/", {"code": code_for(device)})

    response = client.post("/account/security/recovery-codes/new/")

    assert response["Location"] == "/account/security/recovery-codes/"
    body = client.get("/account/security/recovery-codes/").content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", body)
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    assert two_factor_entries(tutor)[-1].startswith("New recovery codes made")


def test_new_recovery_codes_need_a_post(client, tutor):
    device, _ = enable(tutor)
    sign_in(client, tutor)
    client.post("/login/code/", {"code": code_for(device)})
    assert client.get("/account/security/recovery-codes/new/").status_code == 405


# The mandatory setting.


@pytest.fixture
def required(settings):
    settings.PORTAL_REQUIRE_2FA_FOR_ADMINS = True


def test_mandatory_setting_sends_an_administrator_without_an_app_to_set_up(required, client, tutor):
    response = sign_in(client, tutor)
    assert response["Location"] == "/users/"

    response = client.get("/users/")

    assert response.status_code == 302
    assert response["Location"] == "/account/security/set-up/"
    assert client.get("/account/security/set-up/").status_code == 200
    device = TOTPDevice.objects.get(user=tutor)
    client.post("/account/security/set-up/", {"code": code_for(device)})
    assert client.get("/users/").status_code == 200


def test_mandatory_setting_leaves_learners_alone(required, as_user, learner):
    # Learners never use the portal pages (403), but are not sent to set up an app.
    assert as_user(learner).get("/users/").status_code == 403


def test_mandatory_setting_hides_turning_off(required, client, tutor):
    device, _ = enable(tutor)
    sign_in(client, tutor)
    client.post("/login/code/", {"code": code_for(device)})
    body = client.get("/account/security/").content.decode()
    assert "/account/security/turn-off/" not in body
    client.post("/account/security/turn-off/", {"secret": PASSWORD})
    assert two_factor.is_enabled(tutor)
