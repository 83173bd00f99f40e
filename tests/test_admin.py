import pytest

from tests.factories import AdminFactory

PAGES = [
    "/admin/users/user/",
    "/admin/users/user/?q=smith",
    "/admin/users/organisation/",
    "/admin/users/group/",
    "/admin/programmes/programme/",
    "/admin/programmes/enrolment/",
    "/admin/audit/auditentry/",
    "/admin/users/notification/",
]


@pytest.fixture
def superuser_client(client, db):
    user = AdminFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_support_staff_can_open_every_admin_list(superuser_client, learner, url):
    assert superuser_client.get(url).status_code == 200


def test_audit_entries_are_read_only_in_the_admin(superuser_client, learner):
    from audit.models import AuditEntry

    entry = AuditEntry.objects.first()
    assert superuser_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert superuser_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert superuser_client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200


def test_portal_administrators_without_staff_flag_cannot_use_the_admin(as_user, tutor):
    assert as_user(tutor).get("/admin/").status_code == 302


def test_support_staff_can_add_a_user_in_the_admin(superuser_client, tree):
    from users.models import User

    assert superuser_client.get("/admin/users/user/add/").status_code == 200
    response = superuser_client.post(
        "/admin/users/user/add/",
        {
            "email": "Support.Added@Example.org",
            "first_name": "Sup",
            "last_name": "Added",
            "user_type": "ADMINISTRATOR",
            "password1": "Bright-Lantern-72!",
            "password2": "Bright-Lantern-72!",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(email="support.added@example.org").check_password("Bright-Lantern-72!")
