"""The Users export reads in keyset chunks, yet lists the rows the plain search lists, in its
order, for every sort both ways, NULLs included (issue 13 point 3)."""

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from aptem.ordered_chunks import keyset_order, ordered_chunks
from portal import exports
from portal.exports import EXPORTED_VALUES, search_users, user_rows
from portal.filters import SORTS
from programmes.models import Enrolment
from tests.conftest import make_supervisor, make_tree
from tests.factories import AdminFactory, UserFactory
from users.models import User

SORT_PARAMETERS = [f"{sign}{key}" for key in SORTS for sign in ("", "-")]


def make_crowd(supervisor, tree):
    """Ties on every sort key, and NULLs where the columns allow them."""
    owners = [AdminFactory(first_name="Ann", last_name="Owner"), None]
    for n in range(14):
        user = UserFactory(
            first_name=["Ann", "Bob"][n % 2],
            last_name=["Smith", "Jones", "Smith-Jones"][n % 3],
            email=None if n % 4 == 0 else f"person{n:02d}@example.org",
            reference_number=["REF-1", "REF-2", ""][n % 3],
            subscription_status=[User.Status.FULL_USER, User.Status.INVITED][n % 2],
            case_owner=owners[n % 2],
            groups=[tree["cohort"]],
        )
        if n % 3:
            # Written as programmes/current.py writes them; the rest have no programme (NULL).
            User.objects.filter(pk=user.pk).update(
                current_programme_name=["Plumbing", "Baking"][n % 2],
                current_programme_status=[Enrolment.Status.ACTIVE, Enrolment.Status.ON_A_BREAK][
                    n // 7
                ],
            )
    return supervisor


@pytest.fixture(scope="module")
def _made_once(django_db_setup, django_db_blocker):
    """The crowd, made once for this module's tests (over half a second a test otherwise) in a
    transaction rolled back after its last test; each test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        tree = make_tree()
        yield make_crowd(make_supervisor(tree), tree)
        transaction.set_rollback(True)


@pytest.fixture
def crowd(db, _made_once):
    return _made_once


@pytest.mark.parametrize("sort", SORT_PARAMETERS)
def test_keyset_chunks_list_the_plain_querysets_rows_in_its_order(crowd, sort):
    user_filter, sort = search_users(crowd, QueryDict(f"sort={sort}"))
    assert user_filter.is_valid()
    queryset = user_filter.sorted(sort)
    plain = list(queryset.values_list(*EXPORTED_VALUES))
    assert len(plain) > 14
    if keyset_order(queryset) is None:
        pytest.skip("an order no index supplies is read in one query")
    # Chunks of two and three rows cross every tie and every NULL boundary.
    assert list(ordered_chunks(queryset, EXPORTED_VALUES, 2)) == plain
    assert list(ordered_chunks(queryset, EXPORTED_VALUES, 3)) == plain


@pytest.mark.parametrize("sort", SORT_PARAMETERS)
def test_the_export_lists_the_same_rows_whichever_way_it_reads(crowd, sort, monkeypatch):
    user_filter, sort = search_users(crowd, QueryDict(f"sort={sort}"))
    assert user_filter.is_valid()
    expected = [list(row) for row in user_filter.sorted(sort).values_list(*EXPORTED_VALUES)]
    monkeypatch.setattr(exports, "EXPORT_FETCH_ROWS", 2)
    rows = list(user_rows(user_filter.sorted(sort)))[1:]
    assert [row[0] for row in rows] == [row[0] for row in expected]


def test_the_default_export_reads_in_chunks_without_a_server_side_cursor(crowd, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_FETCH_ROWS", 5)
    user_filter, sort = search_users(crowd, QueryDict(""))
    user_filter.is_valid()
    with CaptureQueriesContext(connection) as captured:
        rows = list(user_rows(user_filter.sorted(sort)))
    assert len(rows) > 15
    selects = [q["sql"] for q in captured if "LIMIT 5" in q["sql"]]
    # One query per chunk, each starting after the last row of the one before.
    assert len(selects) >= 3
    assert all("DECLARE" not in q["sql"] for q in captured)
