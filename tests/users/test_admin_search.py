"""The Django admin's user search runs on the Users page's indexes, within the scope, without
counting the whole table (issue 13 point 5)."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AdminFactory, UserFactory
from users import admin as admin_module
from users.admin import CappedPaginator
from users.models import User

URL = "/admin/users/user/"


@pytest.fixture
def superuser(db):
    return AdminFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def people(tree):
    return {
        "jo": UserFactory(
            first_name="Joanna",
            last_name="Smith-Brown",
            email="jo.smith@example.org",
            ni_number="AB123456C",
            uln="1234567890",
            reference_number="REF-778",
            groups=[tree["cohort"]],
        ),
        "zoe": UserFactory(
            first_name="Zoë",
            last_name="Okafor",
            email="zoe.okafor@example.org",
            groups=[tree["cohort"]],
        ),
        "stranger": UserFactory(
            first_name="Joanna",
            last_name="Smithers",
            email="js@example.org",
            groups=[tree["south"]],
        ),
    }


def found(client, term: str) -> set[str]:
    response = client.get(URL, {"q": term})
    assert response.status_code == 200
    return {user.last_name for user in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("smith", {"Smith-Brown", "Smithers"}),
        ("Smith Joanna", {"Smith-Brown", "Smithers"}),  # names in any order
        ("brown jo", {"Smith-Brown"}),
        ("zoe", {"Okafor"}),  # accents folded as on the Users page
        ("jo.smith@example.org", {"Smith-Brown"}),  # the whole email
        ("JO.SMITH@", {"Smith-Brown"}),  # the start of it, any case
        ("ab 12 34 56 c", {"Smith-Brown"}),  # NI number, as people type it
        ("AB1234", {"Smith-Brown"}),
        ("ref-77", {"Smith-Brown"}),  # reference number, its start, any case
        ("1234567890", {"Smith-Brown"}),  # ULN
        ("nobody", set()),
    ],
)
def test_the_admin_search_finds_the_same_users_as_before(client, superuser, people, term, expected):
    client.force_login(superuser)
    assert found(client, term) == expected


def test_the_admin_search_uses_the_name_index_not_a_like_over_every_column(
    client, superuser, people
):
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"q": "smith jo"})
    searches = [q["sql"] for q in captured if "search_name" in q["sql"]]
    assert searches
    assert not any('UPPER("users_user"."first_name"' in q["sql"] for q in captured)


def test_the_admin_search_keeps_support_staffs_scope(client, tree, people):
    staff = AdminFactory(groups=[tree["north"]], is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename="view_user"))
    client.force_login(staff)
    # The South learner shares the name but lies outside the staff member's groups.
    assert found(client, "joanna") == {"Smith-Brown"}
    assert found(client, "js@example.org") == set()
    # Without the sensitive data permission the NI number and ULN search nothing.
    assert found(client, "AB123456C") == set()
    assert found(client, "1234567890") == set()


def test_the_admin_search_makes_a_bounded_number_of_queries_without_a_full_count(
    client, superuser, people, django_assert_max_num_queries
):
    client.force_login(superuser)
    for n in range(30):
        UserFactory(first_name="Many", last_name=f"Smith{n}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "smith"})
    assert response.status_code == 200
    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"]]
    # One count of the search, stopped at the cap; none of the whole table.
    assert len(counts) == 1
    assert "LIMIT" in counts[0]
    with django_assert_max_num_queries(len(captured)):
        client.get(URL, {"q": "smith jo"})
    assert len(captured) <= 12


def test_a_search_past_the_cap_says_more_than_instead_of_counting(
    client, superuser, people, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    client.force_login(superuser)
    page = client.get(URL, {"q": "o"}).content.decode()  # Joanna twice, Okafor, Zoë
    assert "More than 2 users" in page
    assert "More than 2 results" in page
    # Within the cap the count is exact.
    page = client.get(URL, {"q": "okafor"}).content.decode()
    assert "1 user" in page
    assert "More than" not in page


def test_a_searched_list_keeps_the_name_order_without_the_name_index_driving_the_search(
    client, superuser, people
):
    client.force_login(superuser)
    older = UserFactory(first_name="Anna", last_name="Smith")
    newer = UserFactory(first_name="Anna", last_name="Smith")
    UserFactory(first_name="Bob", last_name="Smith")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "smith"})
    listed = [user.pk for user in response.context["cl"].result_list]
    # The changelist's order before: surname, first name, then the newest first.
    assert listed == list(
        User.objects.filter(pk__in=listed)
        .order_by("last_name", "first_name", "-pk")
        .values_list("pk", flat=True)
    )
    assert listed.index(newer.pk) < listed.index(older.pk)
    assert len(listed) == 5
    # ...sorted by expressions rather than the bare columns the name index holds.
    (page_sql,) = [
        q["sql"] for q in captured if "search_name" in q["sql"] and "ORDER BY" in q["sql"]
    ]
    assert 'ORDER BY "users_user"."last_name"' not in page_sql


def test_a_broad_search_walks_the_name_index_in_the_same_order(
    client, superuser, people, monkeypatch
):
    # Matches spread along the whole name index: walking it finds a page of them soonest.
    monkeypatch.setattr(admin_module, "NAME_SORTED_MATCHES", 1)
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(URL, {"q": "smith"})
    listed = [user.pk for user in response.context["cl"].result_list]
    assert listed == [people["jo"].pk, people["stranger"].pk]
    (page_sql,) = [
        q["sql"] for q in captured if "search_name" in q["sql"] and "ORDER BY" in q["sql"]
    ]
    assert 'ORDER BY "users_user"."last_name" ASC' in page_sql
