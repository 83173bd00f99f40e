"""The OData feed through the Django test client: who may read it, what each reader sees,
bad queries, and paging."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.models import Note
from reporting.models import ApiTokenUse
from reporting.odata import query as odata_query
from tests.factories import AdminFactory, UserFactory
from users.models import User

from .odata_helpers import FEED, basic, bearer, make_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(tree, tutor, outsider, supervisor):
    """Two learners in the tutor's North region, one in South; every one with a date of birth
    and an NI number, and a note each."""
    north = [
        UserFactory(
            groups=[tree["cohort"]],
            last_name=name,
            date_of_birth=datetime.date(2000, 1, n + 1),
            ni_number=f"AB12345{n}C",
        )
        for n, name in enumerate(["Adams", "Baker"])
    ]
    south = UserFactory(
        groups=[tree["south"]],
        last_name="Clark",
        date_of_birth=datetime.date(1999, 5, 5),
        ni_number="CD123456A",
    )
    for learner in [*north, south]:
        Note.objects.create(learner=learner, text=f"A note on {learner.last_name}")
    return {"north": north, "south": south}


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["value"]


def get(client, path: str, token: str, **params):
    return client.get(FEED + path, params, **basic(token))


# --- Who may read --------------------------------------------------------------------------------


def test_anonymous_gets_401_asking_for_basic(client, tutor):
    response = client.get(FEED + "Users")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert response.json()["error"]["code"] == "Unauthorized"


def test_basic_with_any_user_name_and_bearer_are_accepted(client, tutor):
    _, text = make_token(tutor)
    assert client.get(FEED, **basic(text, user="anything")).status_code == 200
    assert client.get(FEED, **basic(text, user=tutor.email)).status_code == 200
    assert client.get(FEED, **bearer(text)).status_code == 200


@pytest.mark.parametrize(
    "spoil",
    ["wrong", "revoked", "expired", "inactive", "cancelled", "no_longer_admin", "garbage"],
)
def test_refused_tokens_get_401(client, tutor, spoil):
    token, text = make_token(tutor)
    if spoil == "wrong":
        text = text[:-4] + ("AAAA" if not text.endswith("AAAA") else "BBBB")
    elif spoil == "revoked":
        token.revoked_at = timezone.now()
        token.save()
    elif spoil == "expired":
        token.expires_on = timezone.localdate() - datetime.timedelta(days=1)
        token.save()
    elif spoil == "inactive":
        tutor.is_active = False
        tutor.save()
    elif spoil == "cancelled":
        # Still active, but a cancelled administrator cannot sign in: nor may their token read.
        tutor.subscription_status = tutor.Status.CANCELLED
        tutor.save()
    elif spoil == "no_longer_admin":
        tutor.roles.clear()
    elif spoil == "garbage":
        text = "lp_zz"
    for headers in (basic(text), bearer(text)):
        response = client.get(FEED + "Users", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Basic ")
    assert not ApiTokenUse.objects.exists()


def test_a_token_expiring_today_still_works(client, tutor):
    token, text = make_token(tutor)
    token.expires_on = timezone.localdate()
    token.save()
    assert client.get(FEED + "Users", **bearer(text)).status_code == 200


def test_signed_in_administrator_reads_the_feed_in_the_browser(as_user, tutor):
    response = as_user(tutor).get(FEED + "Users")
    assert response.status_code == 200
    assert response["OData-Version"] == "4.0"


def test_signed_in_learner_is_refused(as_user, learner):
    response = as_user(learner).get(FEED + "Users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "Forbidden"


def test_the_feed_is_read_only(client, tutor):
    _, text = make_token(tutor)
    response = client.post(FEED + "Users", {}, **bearer(text))
    assert response.status_code == 405
    assert "error" in response.json()


def test_every_use_of_a_token_is_logged(client, tutor, cast):
    token, text = make_token(tutor)
    client.get(FEED + "Users", {"$top": "1"}, REMOTE_ADDR="10.1.2.3", **basic(text))
    client.get(FEED + "Notes", **bearer(text))
    client.get(FEED + "$metadata", **bearer(text))
    uses = list(ApiTokenUse.objects.order_by("pk"))
    assert [(u.entity_set, u.row_count) for u in uses] == [
        ("Users", 1),
        ("Notes", 2),
        ("$metadata", 0),
    ]
    assert uses[0].remote_addr == "10.1.2.3"
    assert all(u.token == token for u in uses)
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- What each reader sees -----------------------------------------------------------------------


def test_tutor_sees_only_their_groups_learners(client, tutor, cast):
    _, text = make_token(tutor)
    users = rows(get(client, "Users", text, **{"$filter": "UserType eq 'LEARNER'"}))
    assert {u["Id"] for u in users} == {u.pk for u in cast["north"]}
    notes = rows(get(client, "Notes", text))
    assert {n["LearnerId"] for n in notes} == {u.pk for u in cast["north"]}


def test_outsider_sees_none_of_the_tutors_learners(client, outsider, cast):
    _, text = make_token(outsider)
    users = rows(get(client, "Users", text))
    ids = {u["Id"] for u in users}
    assert ids.isdisjoint(u.pk for u in cast["north"])
    assert cast["south"].pk in ids
    assert {n["LearnerId"] for n in rows(get(client, "Notes", text))} == {cast["south"].pk}


def test_administrators_are_listed_only_for_supervisors(client, tutor, supervisor, cast):
    _, tutor_text = make_token(tutor)
    _, supervisor_text = make_token(supervisor)
    admins = {"$filter": "UserType eq 'ADMINISTRATOR'"}
    assert rows(get(client, "Users", tutor_text, **admins)) == []
    assert {u["Id"] for u in rows(get(client, "Users", supervisor_text, **admins))} >= {
        tutor.pk,
        supervisor.pk,
    }


def test_sensitive_fields_are_null_without_the_permission(client, tutor, supervisor, cast):
    assert not tutor.has_perm("users.view_sensitive_data")
    assert supervisor.has_perm("users.view_sensitive_data")
    learner = cast["north"][0]
    _, tutor_text = make_token(tutor)
    _, supervisor_text = make_token(supervisor)
    masked = rows(get(client, "Users", tutor_text, **{"$filter": f"Id eq {learner.pk}"}))[0]
    assert masked["DateOfBirth"] is None
    assert masked["NiNumber"] is None
    assert masked["Uln"] is None
    assert masked["LastName"] == learner.last_name
    shown = rows(get(client, "Users", supervisor_text, **{"$filter": f"Id eq {learner.pk}"}))[0]
    assert shown["DateOfBirth"] == "2000-01-01"
    assert shown["NiNumber"] == learner.ni_number


def test_sensitive_fields_cannot_be_filtered_or_sorted_without_the_permission(client, tutor, cast):
    _, text = make_token(tutor)
    for params in (
        {"$filter": "DateOfBirth eq 2000-01-01"},
        {"$filter": "startswith(NiNumber,'AB')"},
        {"$orderby": "DateOfBirth"},
    ):
        response = get(client, "Users", text, **params)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "Forbidden"


def test_filters_on_dates_nulls_and_text(client, supervisor, cast):
    _, text = make_token(supervisor)
    older = rows(
        get(client, "Users", text, **{"$filter": "DateOfBirth lt 2000-01-02 and Sex ne 'X'"})
    )
    assert {u["LastName"] for u in older} == {"Adams", "Clark"}
    no_dob = rows(get(client, "Users", text, **{"$filter": "DateOfBirth eq null"}))
    assert all(u["DateOfBirth"] is None for u in no_dob)
    assert {u["Id"] for u in no_dob} == set(
        User.objects.filter(date_of_birth__isnull=True).values_list("pk", flat=True)
    )
    names = rows(
        get(
            client,
            "Users",
            text,
            **{"$filter": "contains(LastName,'ake') or endswith(LastName,'ams')"},
        )
    )
    assert {u["LastName"] for u in names} == {"Adams", "Baker"}
    not_adams = rows(
        get(
            client,
            "Users",
            text,
            **{"$filter": "not (LastName eq 'Adams') and UserType eq 'LEARNER'"},
        )
    )
    assert "Adams" not in {u["LastName"] for u in not_adams}
    recent = rows(get(client, "Notes", text, **{"$filter": "CreatedAt gt 2020-01-01T00:00:00Z"}))
    assert len(recent) == 3


def test_select_orderby_top_skip_and_count(client, supervisor, cast):
    _, text = make_token(supervisor)
    params = {
        "$select": "LastName",
        "$filter": "UserType eq 'LEARNER'",
        "$orderby": "LastName desc",
        "$top": "2",
        "$skip": "1",
        "$count": "true",
    }
    body = get(client, "Users", text, **params).json()
    assert body["@odata.count"] == 3
    assert body["value"] == [
        {"Id": cast["north"][1].pk, "LastName": "Baker"},
        {"Id": cast["north"][0].pk, "LastName": "Adams"},
    ]
    assert body["@odata.context"].endswith("$metadata#Users(Id,LastName)")
    assert "@odata.nextLink" not in body
    count = client.get(FEED + "Users/$count", {"$filter": "UserType eq 'LEARNER'"}, **basic(text))
    assert count.content == b"3"
    one = client.get(FEED + f"Users({cast['north'][0].pk})", **basic(text)).json()
    assert one["LastName"] == "Adams"


def test_a_row_out_of_scope_by_key_is_404(client, tutor, cast):
    _, text = make_token(tutor)
    response = client.get(FEED + f"Users({cast['south'].pk})", **basic(text))
    assert response.status_code == 404


def test_service_document_lists_every_entity_set(client, tutor):
    _, text = make_token(tutor)
    names = {s["name"] for s in client.get(FEED, **basic(text)).json()["value"]}
    assert {
        "Users",
        "Groups",
        "UserGroups",
        "Organizations",
        "OrganizationContacts",
        "Episodes",
        "IlrAims",
        "ApprenticeshipFinancialRecords",
        "DestinationProgressions",
        "WithdrawalReasons",
        "Notes",
        "Tasks",
        "Milestones",
        "LearningPlanComponents",
        "LearningPlanEvidences",
        "OnboardingResponses",
        "Reviews",
        "ReviewResponses",
        "Trackers",
        "ComplianceDocuments",
    } <= names


# --- Bad queries ---------------------------------------------------------------------------------

BAD_QUERIES = [
    ("Nowhere", {}, 404),
    ("Users", {"$filter": "LastName eq"}, 400),
    ("Users", {"$filter": "((("}, 400),
    ("Users", {"$filter": "Nope eq 1"}, 400),
    ("Users", {"$filter": "LastName eq 1"}, 400),
    ("Users", {"$filter": "CreatedAt gt 'yesterday'"}, 400),
    ("Users", {"$filter": "Password eq 'x'"}, 400),
    ("Users", {"$filter": "CaseOwner/Email eq 'x'"}, 400),
    ("Users", {"$filter": "LastName"}, 400),
    ("Users", {"$filter": "tolower(LastName)"}, 400),
    ("Users", {"$filter": "1 eq 1"}, 400),
    ("Users", {"$filter": "Id add 1 eq 2"}, 400),
    ("Users", {"$filter": "substringof('a',LastName)"}, 400),
    ("Users", {"$filter": "year(LastName) eq 2000"}, 400),
    ("Users", {"$select": "Id,Nope"}, 400),
    ("Users", {"$orderby": "Nope"}, 400),
    ("Users", {"$orderby": "LastName sideways"}, 400),
    ("Users", {"$top": "-1"}, 400),
    ("Users", {"$top": "ten"}, 400),
    ("Users", {"$skip": "1.5"}, 400),
    ("Users", {"$count": "maybe"}, 400),
    ("Users", {"$expand": "CaseOwner"}, 400),
    ("Users", {"$skiptoken": "not-a-token"}, 400),
    ("Users", {"$format": "xml"}, 400),
    ("OnboardingResponses", {"$filter": "Data eq 'x'"}, 400),
]


@pytest.mark.parametrize(("path", "params", "status"), BAD_QUERIES)
def test_bad_queries_get_an_odata_error(client, supervisor, path, params, status):
    _, text = make_token(supervisor)
    response = client.get(FEED + path, params, **basic(text))
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"]
    assert error["message"]


FILTER_WORDS = st.sampled_from(
    [
        "Id",
        "LastName",
        "DateOfBirth",
        "CreatedAt",
        "IsActive",
        "eq",
        "ne",
        "gt",
        "le",
        "and",
        "or",
        "not",
        "null",
        "true",
        "'x'",
        "''",
        "2000-01-01",
        "2026-13-45",
        "2000-01-01T00:00:00Z",
        "99999999999999999999",
        "-1",
        "1.5e400",
        "(",
        ")",
        ",",
        "/",
        "contains(",
        "startswith(",
        "year(",
        "any(",
        "in",
        "('a','b')",
        "$it",
        "%",
        "\\",
        "'",
        "add",
    ]
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(FILTER_WORDS, min_size=1, max_size=9),
    noise=st.text(max_size=12),
)
def test_hostile_filters_never_get_a_500(client, supervisor, words, noise):
    _, text = make_token(supervisor)
    for candidate in (" ".join(words), noise, " ".join(words) + noise):
        response = client.get(FEED + "Users", {"$filter": candidate}, **basic(text))
        assert response.status_code in (200, 400), (candidate, response.content)
        if "\x00" in candidate:
            # The portal-wide guard (aptem.query_guard) refuses NUL before any view runs.
            assert response.status_code == 400
        elif response.status_code == 400:
            assert "error" in response.json()


# --- Paging --------------------------------------------------------------------------------------


def walk(client, text: str, path: str, params: dict) -> tuple[list[dict], int]:
    """Every row, following @odata.nextLink; and how many pages it took."""
    response = client.get(FEED + path, params, **basic(text))
    out, pages = [], 0
    while True:
        body = response.json()
        assert response.status_code == 200, body
        out.extend(body["value"])
        pages += 1
        link = body.get("@odata.nextLink")
        if not link:
            return out, pages
        parts = urlsplit(link)
        response = client.get(f"{parts.path}?{parts.query}", **basic(text))


@pytest.fixture
def many(tree, supervisor):
    """Learners with repeated and missing surnames and dates of birth, to page through."""
    names = ["Ng", "Ng", "Ng", "", "Abbot", "Zed", "Ng", "Abbot", "Moss", ""]
    for n, name in enumerate(names):
        UserFactory(
            groups=[tree["cohort"]],
            last_name=name,
            date_of_birth=None if n % 3 == 0 else datetime.date(1990, 1, 1 + n % 2),
        )


@pytest.mark.parametrize(
    "orderby",
    [None, "LastName", "LastName desc", "DateOfBirth desc,LastName", "DateOfBirth,Id desc"],
)
def test_keyset_paging_gives_every_row_once_in_order(
    client, supervisor, many, monkeypatch, orderby
):
    _, text = make_token(supervisor)
    params = {"$select": "Id,LastName,DateOfBirth", "$count": "true"}
    if orderby:
        params["$orderby"] = orderby
    # One page of everything, in the database's order...
    everything = rows(client.get(FEED + "Users", params, **basic(text)))
    assert [r["Id"] for r in everything] == [r["Id"] for r in _ordered(everything, orderby)]
    # ...is what the pages of three rows give, one after the other.
    monkeypatch.setattr(odata_query, "PAGE_SIZE", 3)
    paged, pages = walk(client, text, "Users", params)
    assert pages == -(-User.objects.count() // 3)
    assert [r["Id"] for r in paged] == [r["Id"] for r in everything]


def _ordered(rows_: list[dict], orderby: str | None) -> list[dict]:
    """The OData order: NULLs first ascending, last descending; Id breaks ties."""
    keys = [part.split() for part in (orderby or "Id").split(",")]
    out = list(rows_)
    if not any(k[0] == "Id" for k in keys):
        keys.append(["Id"])
    for key in reversed(keys):
        name, descending = key[0], len(key) > 1 and key[1] == "desc"
        out.sort(
            key=lambda r, n=name: (r[n] is not None, r[n] if r[n] is not None else 0),
            reverse=descending,
        )
    return out


def test_the_count_is_on_the_first_page_only(client, supervisor, many, monkeypatch):
    monkeypatch.setattr(odata_query, "PAGE_SIZE", 3)
    _, text = make_token(supervisor)
    first = client.get(FEED + "Users", {"$count": "true"}, **basic(text)).json()
    assert first["@odata.count"] == User.objects.count()
    link = urlsplit(first["@odata.nextLink"])
    assert "count" not in link.query
    second = client.get(f"{link.path}?{link.query}", **basic(text)).json()
    assert "@odata.count" not in second


def test_top_larger_than_a_page_pages_up_to_top(client, supervisor, many, monkeypatch):
    monkeypatch.setattr(odata_query, "PAGE_SIZE", 3)
    _, text = make_token(supervisor)
    got, pages = walk(client, text, "Users", {"$top": "7", "$orderby": "LastName"})
    assert len(got) == 7
    assert pages == 3


def test_a_page_holds_a_thousand_rows_by_default():
    assert odata_query.PAGE_SIZE == 1000


def _page_queries(client, text: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED + "Users", {"$orderby": "LastName"}, **basic(text))
    assert response.status_code == 200
    link = urlsplit(response.json()["@odata.nextLink"])
    with CaptureQueriesContext(connection) as later:
        assert client.get(f"{link.path}?{link.query}", **basic(text)).status_code == 200
    assert len(later) == len(queries)
    return len(queries)


def test_queries_per_page_do_not_grow_with_the_rows(client, tree, supervisor, monkeypatch):
    monkeypatch.setattr(odata_query, "PAGE_SIZE", 4)
    _, text = make_token(supervisor)
    UserFactory.create_batch(10, groups=[tree["cohort"]])
    small = _page_queries(client, text)
    UserFactory.create_batch(40, groups=[tree["cohort"]])
    AdminFactory.create_batch(3, groups=[tree["north"]])
    assert _page_queries(client, text) == small
