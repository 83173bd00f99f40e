"""Opening a notification (POST /notifications/<pk>/): marks it read and goes to its page;
someone else's, or a missing one, is a 404."""

import pytest
from django.utils import timezone

from users.notification_models import Notification

from .factories import NotificationFactory


def url(notification) -> str:
    return f"/notifications/{notification.pk}/"


def test_anonymous_is_redirected_to_login(client, tutor):
    notification = NotificationFactory(recipient=tutor)
    assert client.post(url(notification))["Location"].startswith("/login/")
    notification.refresh_from_db()
    assert notification.is_unread


def test_opening_marks_it_read_and_goes_to_its_page(as_user, tutor):
    notification = NotificationFactory(recipient=tutor, link="/users/12/trackers/3/?tab=log")
    response = as_user(tutor).post(url(notification))
    assert response.status_code == 302
    assert response["Location"] == "/users/12/trackers/3/?tab=log"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_a_read_one_again_keeps_when_it_was_first_read(as_user, tutor):
    first = timezone.now() - timezone.timedelta(days=3)
    notification = NotificationFactory(recipient=tutor, read_at=first)
    assert as_user(tutor).post(url(notification)).status_code == 302
    notification.refresh_from_db()
    assert notification.read_at == first


def test_someone_elses_notification_is_a_404_and_stays_unread(as_user, tutor, colleague):
    notification = NotificationFactory(recipient=colleague)
    assert as_user(tutor).post(url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_a_missing_notification_is_a_404(as_user, tutor):
    assert as_user(tutor).post("/notifications/999999/").status_code == 404


def test_a_get_changes_nothing(as_user, tutor):
    notification = NotificationFactory(recipient=tutor)
    assert as_user(tutor).get(url(notification)).status_code == 405
    notification.refresh_from_db()
    assert notification.is_unread


@pytest.mark.parametrize("link", ["//elsewhere.example/", "https://elsewhere.example/"])
def test_a_stored_link_to_another_site_is_not_followed(as_user, tutor, link):
    # The service refuses such links; a row written around it still sends nobody away.
    notification = NotificationFactory(recipient=tutor)
    Notification.objects.filter(pk=notification.pk).update(link=link)
    response = as_user(tutor).post(url(notification))
    assert response["Location"] == "/notifications/"
