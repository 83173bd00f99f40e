"""The Users page's counts and pages past settings.LIST_COUNT_CAP (issue 13).

The cap is set low here, so a few dozen users make a "large" result; each test compares the
cursor pages with the numbered pages the same search gives under a high cap (the behaviour
before the cap existed), sort by sort and both ways.
"""

import csv
import datetime
import io
import re

import pytest
from django.core import signing
from django.db import connection, transaction
from django.db.models import F
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aptem import pagination
from aptem.pagination import CURSOR_SALT
from portal.filters import SORTS, UserFilter, with_current_programme
from tests.conftest import make_tree, make_tutor
from tests.factories import AdminFactory, EnrolmentFactory, ProgrammeFactory, UserFactory
from users.models import User

URL = "/users/"
PER_PAGE = 10
EVERY_SORT = [*SORTS, *(f"-{key}" for key in SORTS)]


def make_crowd(tree, tutor):
    """37 users in the tutor's scope with ties and NULLs in every sortable column: shared
    surnames and first names, no email, no case owner, no programme, the same creation time."""
    owners = [tutor, AdminFactory(first_name="Olga", last_name="Owner", groups=[tree["north"]])]
    programmes = [ProgrammeFactory(name="Bricklaying"), ProgrammeFactory(name="Accounting")]
    moment = timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 30))
    users = []
    for n in range(37):
        user = UserFactory(
            first_name=["Ann", "Dan", "Anna", "Zoe"][n % 4],
            last_name=["Smith", "Jones", "Grant", "Smithson", "Able"][n % 5],
            email=None if n % 6 == 0 else f"person{(n * 7) % 37}@example.com",
            case_owner=None if n % 3 == 0 else owners[n % 2],
            reference_number="" if n % 4 == 0 else f"REF{n % 9}",
            user_type=[User.Type.LEARNER, User.Type.EMPLOYER][n % 2],
            subscription_status=[User.Status.FULL_USER, User.Status.PROSPECT][n % 2],
            groups=[tree["cohort"]],
        )
        users.append(user)
        if n % 4:
            EnrolmentFactory(
                learner=user,
                programme=programmes[n % 2],
                status=["ACTIVE", "ON_A_BREAK"][n % 3 % 2],
            )
    # Several users created at the same moment: ties the pk must break.
    User.objects.filter(pk__in=[u.pk for u in users[::3]]).update(created_at=moment)
    return users


@pytest.fixture(scope="module")
def _made_once(django_db_setup, django_db_blocker):
    """The tree, the tutor and the crowd, made once for this module's tests (about two seconds
    a test otherwise) in a transaction rolled back after its last test. Each test runs in a
    savepoint inside it (pytest-django's ``db``), so whatever a test changes is undone as
    usual; the tests only read the crowd."""
    with django_db_blocker.unblock(), transaction.atomic():
        tree = make_tree()
        tutor = make_tutor(tree)
        yield tree, tutor, make_crowd(tree, tutor)
        transaction.set_rollback(True)


@pytest.fixture
def tree(db, _made_once):
    return _made_once[0]


@pytest.fixture
def tutor(db, _made_once):
    return _made_once[1]


@pytest.fixture
def crowd(db, _made_once):
    return _made_once[2]


def ids(response) -> list[int]:
    assert response.status_code == 200
    return [user.pk for user in response.context["page"].object_list]


def numbered_walk(client, params) -> list[int]:
    """Every row through the numbered pages (cap far above the result)."""
    rows, number = [], 1
    while True:
        page = client.get(URL, {**params, "per_page": PER_PAGE, "page": number}).context["page"]
        rows += [user.pk for user in page.object_list]
        if not page.has_next():
            return rows
        number += 1


def cursor_walk(client, params) -> list[int]:
    """Every row from the first page through Next (cap below the result)."""
    rows, cursor = [], None
    while True:
        query = {**params, "per_page": PER_PAGE, **({"cursor": cursor} if cursor else {})}
        page = client.get(URL, query).context["page"]
        assert page.is_keyset
        rows += [user.pk for user in page.object_list]
        if not page.has_next:
            return rows
        cursor = page.next_cursor


def backward_walk(client, params) -> list[int]:
    """Every row from the Last page back through Previous, in the list's order, each once."""
    pages = []
    page = client.get(URL, {**params, "per_page": PER_PAGE, "page": "last"}).context["page"]
    while True:
        pages.insert(0, [user.pk for user in page.object_list])
        if not page.has_previous:
            # The first page is a full one, so it may overlap the page after it.
            return list(dict.fromkeys(pk for rows in pages for pk in rows))
        query = {**params, "per_page": PER_PAGE, "cursor": page.previous_cursor}
        page = client.get(URL, query).context["page"]


def todays_order(viewer, sort: str) -> list[int]:
    """The order the page had before the cap: each SORTS field, then the pk. NULLs after every
    value ascending, before them descending: PostgreSQL's own default, which the page kept (on
    PostgreSQL the SQL below is exactly the old one); SQLite placed them the other way round
    before, and now sorts them as PostgreSQL does."""
    key, descending = sort.lstrip("-"), sort.startswith("-")
    fields = [F(field) for field in SORTS[key]]
    if connection.vendor == "postgresql":
        order = [f.desc() if descending else f.asc() for f in fields]
    else:
        order = [f.desc(nulls_first=True) if descending else f.asc(nulls_last=True) for f in fields]
    order.append(F("pk").desc() if descending else F("pk").asc())
    queryset = with_current_programme(
        User.objects.visible_to(viewer).filter(subscription_status__in=User.DEFAULT_LIST_STATUSES)
    )
    return list(queryset.order_by(*order).values_list("pk", flat=True))


@pytest.mark.parametrize("sort", EVERY_SORT)
def test_cursor_pages_show_todays_rows_in_todays_order_for_every_sort(
    as_user, tutor, crowd, settings, sort
):
    client = as_user(tutor)
    expected = todays_order(tutor, sort)
    assert len(expected) == 37
    settings.LIST_COUNT_CAP = 10_000
    assert numbered_walk(client, {"sort": sort}) == expected
    settings.LIST_COUNT_CAP = 5
    assert cursor_walk(client, {"sort": sort}) == expected
    assert backward_walk(client, {"sort": sort}) == expected


@pytest.mark.parametrize("sort", ["name", "-name", "email", "-case_owner"])
def test_next_page_by_cursor_is_the_numbered_second_page(as_user, tutor, crowd, settings, sort):
    client = as_user(tutor)
    params = {"sort": sort, "per_page": PER_PAGE}
    settings.LIST_COUNT_CAP = 10_000
    first, second = ids(client.get(URL, params)), ids(client.get(URL, {**params, "page": 2}))
    settings.LIST_COUNT_CAP = 5
    page = client.get(URL, params).context["page"]
    assert [user.pk for user in page.object_list] == first
    assert ids(client.get(URL, {**params, "cursor": page.next_cursor})) == second


@pytest.mark.parametrize("name", ["an", "a", "n a"])
def test_short_fragments_walk_the_name_order_and_page_by_cursor(
    as_user, tutor, crowd, settings, name
):
    # Too short for the trigram index: the rows come in name order, counted up to the cap.
    client = as_user(tutor)
    settings.LIST_COUNT_CAP = 10_000
    numbered = numbered_walk(client, {"name": name})
    assert numbered
    settings.LIST_COUNT_CAP = 2
    assert cursor_walk(client, {"name": name}) == numbered
    assert backward_walk(client, {"name": name}) == numbered


@pytest.mark.parametrize(
    ("name", "sort", "trigram"),
    [
        ("an", "name", False),
        ("a n", "-name", False),
        ("", "name", False),
        ("smi", "name", True),
        ("an smith", "-name", True),
        ("smith", "email", False),
    ],
)
def test_the_plan_follows_the_longest_word_of_a_name_search(tutor, name, sort, trigram):
    user_filter = UserFilter(QueryDict(f"name={name}"), queryset=User.objects.all(), viewer=tutor)
    assert user_filter.is_valid()
    assert user_filter.searches_by_trigram(sort) is trigram


@pytest.mark.parametrize("name", ["smith", "ann smith", "smi a"])
def test_trigram_searches_count_every_match_with_the_rows(as_user, tutor, crowd, settings, name):
    # The database collects and sorts every match anyway: one narrow query (pk, sort keys and
    # COUNT(*) OVER ()) gives the page's keys and the exact count, then the page's rows are read
    # by pk; numbered pages cost no more than the first.
    client = as_user(tutor)
    settings.LIST_COUNT_CAP = 10_000
    numbered = numbered_walk(client, {"name": name})
    matching = User.objects.all()
    for word in name.split():
        matching = matching.filter(search_name__contains=word)
    expected = set(matching.values_list("pk", flat=True))
    assert numbered == [pk for pk in todays_order(tutor, "name") if pk in expected]
    assert numbered
    settings.LIST_COUNT_CAP = 2
    assert numbered_walk(client, {"name": name}) == numbered
    with CaptureQueriesContext(connection) as captured:
        page = client.get(URL, {"name": name}).context["page"]
    assert page.paginator.count == len(numbered)
    (counting,) = [q["sql"] for q in captured.captured_queries if "OVER ()" in q["sql"].upper()]
    assert '"users_user"."email"' not in counting  # narrow: the page's columns come after


def test_a_large_result_says_more_than_the_cap(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 20
    body = as_user(tutor).get(URL).content.decode()
    assert "<strong>more than 20</strong> users found" in body
    assert "Export CSV (more than 20 rows)" in body


def test_the_default_cap_reads_more_than_10000(as_user, tutor, crowd, monkeypatch):
    # As if the capped count had passed the default cap of 10,000.
    monkeypatch.setattr(pagination, "capped_count", lambda queryset, cap: cap + 1)
    body = as_user(tutor).get(URL).content.decode()
    assert "<strong>more than 10,000</strong> users found" in body
    assert "Export CSV (more than 10,000 rows)" in body


def test_a_result_within_the_cap_keeps_its_exact_count_and_page_numbers(
    as_user, tutor, crowd, settings
):
    settings.LIST_COUNT_CAP = 37
    response = as_user(tutor).get(URL, {"per_page": PER_PAGE})
    body = response.content.decode()
    assert "<strong>37</strong> users found" in body
    assert "Export CSV (37 rows)" in body
    assert "page=4" in body
    assert "cursor=" not in body


def page_links(response) -> dict[str, str]:
    """The pagination links' labels and query strings, as the browser would follow them."""
    found = re.findall(
        r'<a class="page-link" href="\?([^"]*)">(\w+)</a>', response.content.decode()
    )
    return {label: query.replace("&amp;", "&") for query, label in found}


def test_a_large_result_offers_first_previous_next_and_last(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    first = client.get(URL, {"per_page": PER_PAGE, "name": "an"})
    links = page_links(first)
    assert set(links) == {"Next", "Last"}
    assert "name=an" in links["Next"]
    assert "per_page=10" in links["Next"]
    second = client.get(f"{URL}?{links['Next']}")
    links = page_links(second)
    assert set(links) == {"First", "Previous", "Next", "Last"}
    assert ids(client.get(f"{URL}?{links['Previous']}")) == ids(first)
    assert ids(client.get(f"{URL}?{links['First']}")) == ids(first)
    last = client.get(f"{URL}?{links['Last']}")
    assert last.context["page"].has_next is False
    assert set(page_links(last)) == {"First", "Previous"}
    assert "name=an" in page_links(last)["Previous"]


def test_last_page_is_the_last_rows_in_the_normal_order(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    page = as_user(tutor).get(URL, {"per_page": PER_PAGE, "page": "last"}).context["page"]
    expected = todays_order(tutor, "name")
    assert [user.pk for user in page.object_list] == expected[-PER_PAGE:]
    assert (page.has_previous, page.has_next) == (True, False)


def test_last_on_a_small_numbered_result_is_its_last_numbered_page(as_user, tutor, crowd):
    # 37 rows under the cap: numbered pages, and ?page=last (a link saved from a larger result)
    # still means the last one, the 7 rows after 30.
    page = as_user(tutor).get(URL, {"per_page": PER_PAGE, "page": "last"}).context["page"]
    expected = todays_order(tutor, "name")
    assert page.number == 4
    assert [user.pk for user in page.object_list] == expected[30:]


def test_previous_from_last_lands_on_a_full_first_page(as_user, tutor, crowd, settings):
    # 37 rows counted back from the end in tens leave 7 at the start: Previous shows the
    # first ten rows rather than a page of seven.
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    expected = todays_order(tutor, "name")
    page = client.get(URL, {"per_page": PER_PAGE, "page": "last"}).context["page"]
    for _ in range(3):
        page = client.get(URL, {"per_page": PER_PAGE, "cursor": page.previous_cursor}).context[
            "page"
        ]
    assert [user.pk for user in page.object_list] == expected[:PER_PAGE]
    assert (page.has_previous, page.has_next) == (False, True)


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        "x" * 5000,
        "eyJkIjoiYSJ9:1tZ:abc",
        "%00",
        "'; DROP TABLE users_user; --",
    ],
)
def test_a_tampered_cursor_gives_the_first_page(as_user, tutor, crowd, settings, cursor):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    first = ids(client.get(URL, {"per_page": PER_PAGE}))
    assert ids(client.get(URL, {"per_page": PER_PAGE, "cursor": cursor})) == first


def test_an_edited_or_foreign_cursor_gives_the_first_page(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    page = client.get(URL, {"per_page": PER_PAGE}).context["page"]
    first = [user.pk for user in page.object_list]
    edited = page.next_cursor[:-3] + ("AAA" if not page.next_cursor.endswith("AAA") else "BBB")
    assert ids(client.get(URL, {"per_page": PER_PAGE, "cursor": edited})) == first
    # A cursor made for the name order says nothing about the email order.
    by_email = ids(client.get(URL, {"per_page": PER_PAGE, "sort": "email"}))
    assert (
        ids(client.get(URL, {"per_page": PER_PAGE, "sort": "email", "cursor": page.next_cursor}))
        == by_email
    )


def test_a_signed_cursor_with_values_its_columns_cannot_hold_gives_the_first_page(
    as_user, tutor, crowd, settings
):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    first = ids(client.get(URL, {"per_page": PER_PAGE, "sort": "created"}))
    keys = ["created_at", "pk"]
    for values in (["not a date", 1], ["2026-01-01T00:00:00+00:00", "x"], [1, 2, 3], "ab"):
        token = signing.dumps({"d": "a", "k": keys, "v": values}, salt=CURSOR_SALT, compress=True)
        query = {"per_page": PER_PAGE, "sort": "created", "cursor": token}
        assert ids(client.get(URL, query)) == first


@pytest.mark.parametrize("page", ["2", "3"])
def test_a_numbered_page_within_the_cap_still_works_on_a_large_result(
    as_user, tutor, crowd, settings, page
):
    settings.LIST_COUNT_CAP = 10_000
    numbered = ids(as_user(tutor).get(URL, {"per_page": PER_PAGE, "page": page}))
    settings.LIST_COUNT_CAP = 30
    assert ids(as_user(tutor).get(URL, {"per_page": PER_PAGE, "page": page})) == numbered


def test_a_numbered_page_beyond_the_cap_gives_the_last_page(as_user, tutor, crowd, settings):
    # Like Paginator.get_page for a number past the end: a saved link to a deep page.
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    last = ids(client.get(URL, {"per_page": PER_PAGE, "page": "last"}))
    assert ids(client.get(URL, {"per_page": PER_PAGE, "page": "4"})) == last
    assert ids(client.get(URL, {"per_page": PER_PAGE, "page": "99999999999"})) == last


def test_page_size_filters_and_sort_survive_cursor_paging(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 3
    client = as_user(tutor)
    params = {"per_page": 10, "sort": "-email", "status": "FULL_USER", "name": "n"}
    page = client.get(URL, params).context["page"]
    response = client.get(URL, {**params, "cursor": page.next_cursor})
    rows = response.context["page"].object_list
    assert len(rows) <= 10
    assert all(u.subscription_status == User.Status.FULL_USER for u in rows)
    body = response.content.decode()
    assert 'value="-email"' in body
    assert '<option value="10" selected>' in body


def test_sort_headers_chips_and_page_size_drop_the_cursor(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    page = client.get(URL, {"per_page": PER_PAGE, "name": "an"}).context["page"]
    response = client.get(URL, {"per_page": PER_PAGE, "name": "an", "cursor": page.next_cursor})
    body = response.content.decode()
    for chip in response.context["active_filters"]:
        assert "cursor" not in chip["query"]
    headers = re.findall(r'<th scope="col"[^>]*><a href="\?([^"]*)"', body)
    assert headers
    assert not any("cursor" in h for h in headers)
    per_page_form = body[body.index('<label for="per-page"') - 2000 : body.index('id="per-page"')]
    assert 'name="cursor"' not in per_page_form


def test_htmx_paging_returns_only_the_results(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    page = client.get(URL, {"per_page": PER_PAGE}).context["page"]
    response = client.get(
        URL, {"per_page": PER_PAGE, "cursor": page.next_cursor}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert "more than 5</strong> users found" in body


@pytest.mark.parametrize("query", ["", "name=an", "page=last", "sort=-email&name=n"])
def test_query_count_of_a_large_result_is_fixed(as_user, tutor, crowd, settings, query):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    client.get(URL + "?" + query)  # builds the cached choice lists (aptem/shared_lists.py)
    with CaptureQueriesContext(connection) as small:
        client.get(URL + "?" + query)
    UserFactory.create_batch(
        15, last_name="Grant", first_name="Dan", groups=[crowd[0].groups.get()]
    )
    with CaptureQueriesContext(connection) as large:
        client.get(URL + "?" + query)
    assert len(large.captured_queries) == len(small.captured_queries) <= 8


def test_the_count_stops_at_the_cap(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    with CaptureQueriesContext(connection) as captured:
        as_user(tutor).get(URL)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts
    assert all("LIMIT 6" in sql for sql in counts)
    assert not any("OVER ()" in q["sql"].upper() for q in captured.captured_queries)


def test_export_takes_every_filtered_row_whatever_the_cap(as_user, tutor, crowd, settings):
    settings.LIST_COUNT_CAP = 5
    client = as_user(tutor)
    page = client.get(URL, {"name": "an"}).context["page"]
    response = client.get(
        "/users/export.csv", {"name": "an", "cursor": page.next_cursor, "page": "last"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]
    expected = set(
        User.objects.visible_to(tutor)
        .filter(subscription_status__in=User.DEFAULT_LIST_STATUSES, search_name__contains="an")
        .values_list("pk", flat=True)
    )
    assert {int(row[0]) for row in rows if not row[0].startswith("#")} == expected
    assert len(expected) > 5
