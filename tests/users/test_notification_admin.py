"""Notifications in the Django admin: read-only, and scoped like every admin to the users the
support account may see in the portal."""

from tests.factories import AdminFactory, UserFactory
from tests.test_admin_scope import staff_member
from users.models import User

from .factories import NotificationFactory

LIST = "/admin/users/notification/"


def test_support_staff_see_only_notifications_of_users_in_their_scope(as_user, tree, learner):
    stranger = UserFactory(groups=[tree["south"]])
    NotificationFactory(recipient=learner, title="Visible notification")
    hidden = NotificationFactory(recipient=stranger, title="Hidden notification")
    client = as_user(staff_member(tree))
    body = client.get(LIST).content.decode()
    assert "Visible notification" in body
    assert "Hidden notification" not in body
    # Out of scope reads as missing: the admin redirects with "doesn't exist".
    assert client.get(f"{LIST}{hidden.pk}/change/").status_code == 302


def test_notifications_are_read_only_in_the_admin(as_user, tree, learner):
    notification = NotificationFactory(recipient=learner)
    client = as_user(AdminFactory(is_staff=True, is_superuser=True))
    assert client.get(f"{LIST}add/").status_code == 403
    page = client.get(f"{LIST}{notification.pk}/change/").content.decode()
    assert notification.title in page
    assert 'name="_save"' not in page


def test_deleting_a_user_in_the_admin_deletes_their_notifications(as_user, tree, learner):
    NotificationFactory(recipient=learner)
    client = as_user(AdminFactory(is_staff=True, is_superuser=True))
    response = client.post(f"/admin/users/user/{learner.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
