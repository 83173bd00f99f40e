"""The pages that moved to portal keep their paths; only their URL names changed."""

from django.urls import resolve, reverse

from tests.factories import UserFactory


def test_the_moved_pages_keep_their_paths():
    assert reverse("portal:user_list") == "/users/"
    assert reverse("portal:user_export") == "/users/export.csv"
    assert reverse("portal:user_detail", args=[7]) == "/users/7/"
    assert reverse("portal:audit_trail", args=[7]) == "/audit/users/7/"
    assert reverse("portal:audit_export", args=[7]) == "/audit/users/7/export.csv"


def test_the_users_own_pages_still_resolve_under_users():
    assert resolve("/users/7/edit/").view_name == "users:edit"
    assert resolve("/users/activate/abc/").view_name == "users:activate"


def test_a_users_absolute_url_is_the_profile_page(db):
    learner = UserFactory()
    assert learner.get_absolute_url() == f"/users/{learner.pk}/"


def test_home_and_sign_in_keep_their_names():
    assert reverse("home") == "/"
    assert reverse("login") == "/login/"
    assert reverse("login_code") == "/login/code/"
    assert reverse("logout") == "/logout/"
