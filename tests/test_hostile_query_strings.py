"""No query string makes a list or export view fail with a server error.

Every GET list and export view is found through the URL resolver, so a new one is covered
without touching this file; views under a user take the test learner's pk. Each is sent a
corpus of hostile values for every query parameter its page offers (the names in its own
filter form) and the common ones (page, per_page, sort, dates), one parameter at a time and
all at once. Hypothesis then throws random mixtures at the parsing helpers and a few views.
"""

import datetime
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aptem.pagination import page_number
from tests.factories import EnrolmentFactory, make_ilr

# Views that change something, sign in or out, or need more than a user's pk: not lists.
WRITE_WORDS = re.compile(
    r"add|create|edit|remove|delete|cancel|reinstate|extend|archive|invite|activate|verify|"
    r"stop|enrol|start|import|upload|prepare|done|action_plan|status|fill|decide|step|login|"
    r"logout|health|download"
)
COMMON_PARAMETERS = ["page", "per_page", "sort", "q", "date_from", "date_to"]
# Tried on each parameter alone: one of each kind of trouble (overflowing and negative numbers,
# text for a number, far and impossible dates, very long text). A NUL byte is refused before any
# view reads a parameter (aptem.query_guard), so it is tried once, on all of them at once, below.
PROBES = [
    "99999999999999999999",
    "-1",
    "abc",
    "9999-12-31",
    "2026-02-30",
    "x" * 5000,
]
# Tried on every parameter at once.
HOSTILE_VALUES = [
    "99999999999999999999",
    "-99999999999999999999",
    "-1",
    "0",
    "1.5",
    "1e400",
    "NaN",
    "abc",
    "",
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "2026-02-30",
    "31/12/9999",
    "not-a-date",
    "NOT_A_CHOICE",
    "x" * 5000,
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "%_\\",
    "\U0001d518\u00f1\u00ed \u202e",
]


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def list_routes() -> list[str]:
    """Routes of the GET list and export views: no arguments but a user's pk, and a name that
    does not say the view changes something."""
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or WRITE_WORDS.search(pattern.name or route):
            continue
        arguments = set(pattern.pattern.regex.groupindex)
        if arguments <= {"pk"}:
            routes.append(route)
    return routes


ROUTES = list_routes()


def route_url(route: str, learner) -> str:
    return "/" + re.sub(r"<int:pk>", str(learner.pk), route)


POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>.*?</form>", re.IGNORECASE | re.DOTALL)


def offered_parameters(html: str) -> set[str]:
    """The parameter names the page's own forms offer (its filter form among them). The fields
    of forms that post are left out: they never reach the page as a query string, and the
    profile alone has dozens of them (each section's buttons and dialogs)."""
    html = POST_FORM.sub("", html)
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"', html))
    return names - {"csrfmiddlewaretoken"}


@pytest.fixture
def learner_with_data(learner, supervisor):
    EnrolmentFactory(learner=learner)
    make_ilr(learner)
    learner.first_name = "Jon"  # an update, so the audit trail has more than a create
    learner.save()
    return learner


def test_the_list_views_are_found():
    assert {"users/", "users/export.csv", "programmes/ilrs/", "audit/users/<int:pk>/"} <= set(
        ROUTES
    )
    assert "audit/users/<int:pk>/export.csv" in ROUTES


@pytest.mark.parametrize("route", ROUTES)
def test_no_hostile_query_string_gives_a_server_error(
    as_user, supervisor, learner_with_data, route
):
    client = as_user(supervisor)
    # Collect every failure rather than stop at the first exception.
    client.raise_request_exception = False
    url = route_url(route, learner_with_data)
    clean = client.get(url)
    assert clean.status_code < 500
    if clean.get("Content-Type", "").startswith("text/html"):
        page = clean.content.decode()
    else:
        # An export takes the filters of the list it sits under (users/export.csv: users/).
        page = client.get(url[: url.rstrip("/").rindex("/") + 1]).content.decode()
    offered = offered_parameters(page)
    parameters = set(COMMON_PARAMETERS) | offered
    # Each parameter alone on a page with a form or links of its own; a page that offers
    # neither (the profile, say) still gets every hostile value in every parameter at once.
    probed = parameters if offered or 'href="?' in page else []
    queries = [{name: value} for name in sorted(probed) for value in PROBES]
    queries += [dict.fromkeys(parameters, value) for value in HOSTILE_VALUES]
    failures = []
    for query in queries:
        response = client.get(url, query)
        if response.status_code >= 500:
            shown = {name: value[:30] for name, value in query.items()} if len(query) == 1 else ""
            failures.append(
                (shown or f"all={next(iter(query.values()))[:30]!r}", response.status_code)
            )
    assert not failures, failures


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(), st.integers().map(str), st.floats().map(str)))
def test_page_number_is_always_a_usable_page(value):
    number = page_number(value)
    assert 1 <= number <= 2**31


QUERY = st.dictionaries(
    st.sampled_from([*COMMON_PARAMETERS, "programme", "group", "actor", "section", "type"]),
    st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.text(max_size=30),
        st.integers().map(str),
        st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()),
    ),
    max_size=5,
)


@pytest.mark.parametrize("route", ["users/", "audit/users/<int:pk>/", "programmes/ilrs/"])
def test_random_mixtures_of_hostile_parameters_give_no_server_error(
    as_user, supervisor, learner_with_data, route
):
    client = as_user(supervisor)
    url = route_url(route, learner_with_data)

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(query=QUERY)
    def check(query):
        assert client.get(url, query).status_code < 500

    check()


def test_a_huge_page_of_a_name_search_shows_the_last_page(as_user, supervisor, learner):
    response = as_user(supervisor).get("/users/", {"name": "smith", "page": "9" * 20})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_a_far_audit_date_is_refused_with_a_clear_message(as_user, supervisor, learner):
    client = as_user(supervisor)
    response = client.get(f"/audit/users/{learner.pk}/", {"date_to": "9999-12-31"})
    assert response.status_code == 200
    assert "Enter a date on or before 31/12/2100." in response.content.decode()
    export = client.get(f"/audit/users/{learner.pk}/export.csv", {"date_to": "9999-12-31"})
    assert export.status_code == 302


def test_a_nul_byte_in_the_query_string_is_a_bad_request(as_user, supervisor):
    assert as_user(supervisor).get("/users/", {"name": "a\x00b"}).status_code == 400
