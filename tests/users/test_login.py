import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import PASSWORD
from users.models import User


def test_login_page_needs_no_login(client, db):
    assert client.get("/login/").status_code == 200


def test_full_user_signs_in_with_email_in_any_case(client, tutor):
    response = client.post("/login/", {"username": "TUTOR@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/users/").status_code == 200


def test_wrong_password_is_refused_with_a_clear_message(client, tutor):
    response = client.post("/login/", {"username": "tutor@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


@pytest.mark.parametrize(
    "status",
    [
        User.Status.PROSPECT,
        User.Status.INVITED,
        User.Status.CANCELLED,
        User.Status.EXPIRED,
        User.Status.ARCHIVED,
    ],
)
def test_users_who_are_not_full_users_cannot_sign_in(client, tutor, status):
    tutor.subscription_status = status
    tutor.save()
    response = client.post("/login/", {"username": "tutor@example.org", "password": PASSWORD})
    assert response.status_code == 200


def test_logout_ends_the_session(as_user, tutor):
    client = as_user(tutor)
    assert client.post("/logout/").status_code == 302
    assert client.get("/users/").status_code == 302


@pytest.mark.parametrize(
    "password",
    ["Short-1!", "alllowercase-123!", "ALLUPPERCASE-123!", "NoDigitsHere!!", "NoSymbols12345"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_passes():
    validate_password("Bright-Lantern-72!")


def test_session_cookie_is_httponly_and_ends_with_the_browser(settings):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_programmes_link_shows_only_with_manage_programmes(as_user, tutor, supervisor):
    assert 'href="/programmes/"' not in as_user(tutor).get("/users/").content.decode()
    assert 'href="/programmes/"' in as_user(supervisor).get("/users/").content.decode()


@pytest.mark.parametrize(
    "password",
    ["Tara-Lantern-72!", "Bright-TUTOR-72!", "My-tutor72-lamp!", "Lamp-tara-72!"],
)
def test_passwords_containing_the_persons_name_or_email_are_refused(tutor, password):
    with pytest.raises(ValidationError, match="must not contain your first name"):
        validate_password(password, user=tutor)


def test_short_name_parts_do_not_block_a_password(tutor):
    tutor.first_name = "Al"
    tutor.save()
    validate_password("Always-Lantern-72!", user=tutor)
