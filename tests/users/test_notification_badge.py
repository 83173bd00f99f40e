"""The header's Notifications link and its unread count: the count is a fragment
(/notifications/unread/) that static/js/portal.js loads with htmx after the page, so pages pay
no query for it (tests/e2e/test_notifications.py sees it arrive in a browser)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import NotificationFactory

BADGE = "/notifications/unread/"


def test_anonymous_is_redirected_to_login(client, db):
    assert client.get(BADGE)["Location"].startswith("/login/")


def test_the_badge_counts_the_viewers_unread_notifications(as_user, tutor, colleague):
    NotificationFactory.create_batch(3, recipient=tutor)
    NotificationFactory(recipient=tutor, read_at=timezone.now())
    NotificationFactory(recipient=colleague)
    body = as_user(tutor).get(BADGE, headers={"HX-Request": "true"}).content.decode()
    assert '<span id="notifications-unread">' in body
    assert '3<span class="visually-hidden"> unread</span>' in body


def test_the_badge_is_empty_when_nothing_is_unread(as_user, tutor):
    NotificationFactory(recipient=tutor, read_at=timezone.now())
    body = as_user(tutor).get(BADGE).content.decode()
    assert '<span id="notifications-unread"></span>' in body


def test_the_badge_says_99_plus_beyond_99(as_user, tutor):
    NotificationFactory.create_batch(100, recipient=tutor)
    assert "99+<span" in as_user(tutor).get(BADGE).content.decode()


def test_the_badge_costs_one_query_beyond_the_session_and_user(as_user, tutor):
    client = as_user(tutor)
    with CaptureQueriesContext(connection) as captured:
        client.get(BADGE)
    assert len(captured) == 3


def test_every_signed_in_page_links_notifications_and_loads_the_badge(as_user, tutor, learner):
    for user, page in [(tutor, "/users/"), (learner, "/me/")]:
        body = as_user(user).get(page).content.decode()
        assert '<a class="link-light text-nowrap" href="/notifications/">Notifications<span' in body
        assert f'<span data-unread-url="{BADGE}"></span></a>' in body


def test_the_page_itself_does_not_count_unread_notifications(as_user, tutor):
    NotificationFactory.create_batch(2, recipient=tutor)
    client = as_user(tutor)
    with CaptureQueriesContext(connection) as captured:
        client.get("/users/")
    assert not [q for q in captured if "users_notification" in q["sql"]]


def test_the_link_is_marked_current_on_the_list(as_user, tutor):
    body = as_user(tutor).get("/notifications/").content.decode()
    assert 'href="/notifications/" aria-current="page">Notifications' in body


def test_the_signed_out_header_has_no_notifications(client, db):
    assert "/notifications/" not in client.get("/login/").content.decode()


def test_an_administrator_still_to_set_up_two_factor_gets_an_empty_answer(as_user, tutor, settings):
    # The set-up page shows the header; its badge must not fetch that page again in a redirect
    # (nor repeat the "must use two-factor sign-in" message).
    settings.PORTAL_REQUIRE_2FA_FOR_ADMINS = True
    NotificationFactory(recipient=tutor)
    client = as_user(tutor)
    response = client.get(BADGE)
    assert response.status_code == 204
    assert response.content == b""
    assert client.get("/users/")["Location"] == "/account/security/set-up/"
