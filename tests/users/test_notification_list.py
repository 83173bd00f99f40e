"""/notifications/: the signed-in person's own notifications, newest first, 25 a page, unread
ones marked in words; "Mark all as read"; an empty state; a fixed number of queries."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from users.notification_models import Notification

from .factories import NotificationFactory

URL = "/notifications/"
MARK_ALL = "/notifications/read/"


def test_anonymous_is_redirected_to_login(client, db):
    assert client.get(URL)["Location"].startswith("/login/")
    assert client.post(MARK_ALL)["Location"].startswith("/login/")


def test_the_list_shows_only_the_viewers_own_notifications(as_user, tutor, colleague):
    NotificationFactory(recipient=tutor, title="Yours to look at")
    NotificationFactory(recipient=colleague, title="Someone else's")
    body = as_user(tutor).get(URL).content.decode()
    assert "Yours to look at" in body
    assert "Someone else&#x27;s" not in body


def test_a_learner_has_their_notifications_too(as_user, learner, tutor):
    NotificationFactory(recipient=learner, actor=tutor, title="Your review is booked")
    body = as_user(learner).get(URL).content.decode()
    assert "Your review is booked" in body
    assert "From Tara Tutor" in body


def test_the_list_is_newest_first_25_a_page(as_user, tutor):
    start = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0))
    for n in range(30):
        NotificationFactory(
            recipient=tutor, title=f"Note {n:02}", created_at=start + datetime.timedelta(hours=n)
        )
    client = as_user(tutor)
    first = client.get(URL)
    titles = [n.title for n in first.context["page"].object_list]
    assert len(titles) == 25
    assert titles[:2] == ["Note 29", "Note 28"]
    assert [n.title for n in client.get(URL, {"page": 2}).context["page"].object_list][-1] == (
        "Note 00"
    )
    assert 'href="?page=2"' in first.content.decode()


def test_unread_ones_are_marked_in_words_and_counted(as_user, tutor):
    NotificationFactory(recipient=tutor, title="Still unread")
    NotificationFactory(recipient=tutor, title="Already read", read_at=timezone.now())
    body = as_user(tutor).get(URL).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", body).split())
    assert "Unread Still unread" in text
    assert "Unread Already read" not in text
    assert "1 unread of 2" in text
    assert "Mark all as read" in body


def test_dates_are_dd_mm_yyyy_uk_time(as_user, tutor):
    # 10:30 UTC in June is 11:30 in London.
    when = datetime.datetime(2026, 6, 4, 10, 30, tzinfo=datetime.UTC)
    NotificationFactory(recipient=tutor, created_at=when)
    assert "04/06/2026 11:30" in as_user(tutor).get(URL).content.decode()


def test_an_empty_list_says_so_without_mark_all(as_user, tutor):
    body = as_user(tutor).get(URL).content.decode()
    assert "No notifications yet." in body
    assert "empty-state" in body
    assert "Mark all as read" not in body


def test_mark_all_as_read_marks_only_the_viewers_unread_ones(as_user, tutor, colleague):
    earlier = timezone.now() - datetime.timedelta(days=2)
    read = NotificationFactory(recipient=tutor, read_at=earlier)
    NotificationFactory.create_batch(2, recipient=tutor)
    others = NotificationFactory(recipient=colleague)
    client = as_user(tutor)
    response = client.post(MARK_ALL)
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not Notification.objects.filter(recipient=tutor, read_at__isnull=True).exists()
    read.refresh_from_db()
    assert read.read_at == earlier  # when it was first read is kept
    others.refresh_from_db()
    assert others.is_unread
    assert "2 notifications marked as read." in client.get(URL).content.decode()


def test_mark_all_as_read_is_post_only(as_user, tutor):
    NotificationFactory(recipient=tutor)
    assert as_user(tutor).get(MARK_ALL).status_code == 405
    assert Notification.objects.get().is_unread


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_list_runs_a_fixed_number_of_queries(as_user, tutor, colleague, supervisor):
    client = as_user(tutor)
    NotificationFactory(recipient=tutor, actor=colleague)
    few = _queries(client)
    NotificationFactory.create_batch(20, recipient=tutor, actor=supervisor)
    NotificationFactory.create_batch(10, recipient=tutor, actor=None, read_at=timezone.now())
    assert _queries(client) == few
