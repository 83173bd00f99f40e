"""The Users page's programme filter and sort read the maintained current programme columns:
they list exactly the rows the old per-row subquery listed, in the same order, with no more
queries than before."""

import datetime

import pytest
from django.db import connection
from django.db.models import Exists, F, OuterRef, Subquery
from django.test.utils import CaptureQueriesContext

from programmes.models import Enrolment
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory
from users.models import User

URL = "/users/"
S = Enrolment.Status


@pytest.fixture
def learners(tree):
    """Learners with no, one, historic-only and successive programmes, some undated."""
    alpha, beta = ProgrammeFactory(name="Alpha"), ProgrammeFactory(name="Beta")
    people = []
    for n in range(14):
        group = tree["cohort"] if n % 3 else tree["south"]
        person = UserFactory(first_name=f"P{n:02d}", last_name="Learner", groups=[group])
        people.append(person)
        programme = alpha if n % 2 else beta
        status = [S.ACTIVE, S.ON_A_BREAK, S.READY_TO_ENROL][n % 3]
        if n % 7 == 0:
            continue  # no programme at all
        if n % 5 == 0:
            EnrolmentFactory(learner=person, programme=programme, status=status, is_current=False)
            continue  # only history
        EnrolmentFactory(
            learner=person,
            programme=beta if programme == alpha else alpha,
            status=S.COMPLETE,
            is_current=False,
            start_date=datetime.date(2024, 1, 1),
        )
        EnrolmentFactory(
            learner=person,
            programme=programme,
            status=status,
            start_date=None if n % 4 == 0 else datetime.date(2025, 1, n),
        )
    return {"alpha": alpha, "beta": beta, "people": people}


def old_page(viewer: User, params: dict, sort: str = "name") -> list[int]:
    """What the page listed before the columns: the current enrolment by subquery."""
    current = Enrolment.objects.filter(learner=OuterRef("pk"), is_current=True).order_by(
        "-start_date", "-pk"
    )
    qs = (
        User.objects.visible_to(viewer)
        .filter(subscription_status__in=User.DEFAULT_LIST_STATUSES)
        .annotate(
            old_name=Subquery(current.values("programme__name")[:1]),
            old_status=Subquery(current.values("status")[:1]),
        )
    )
    if params:
        enrolments = Enrolment.objects.filter(learner=OuterRef("pk"), is_current=True)
        if "programme" in params:
            enrolments = enrolments.filter(programme_id=params["programme"])
        if "programme_status" in params:
            enrolments = enrolments.filter(status=params["programme_status"])
        qs = qs.filter(Exists(enrolments))
    key, descending = sort.lstrip("-"), sort.startswith("-")
    fields = ["old_name", "old_status"] if key == "programme" else ["last_name", "first_name"]
    order = [F(f) for f in [*fields, "pk"]]
    # PostgreSQL's own NULL placement (last going up, first going down), which the page keeps
    # on every database; SQLite's default is the reverse.
    return list(
        qs.order_by(
            *(o.desc(nulls_first=True) if descending else o.asc(nulls_last=True) for o in order)
        ).values_list("pk", flat=True)[:100]
    )


def page(client, params: dict) -> list[int]:
    response = client.get(URL, {**params, "per_page": 100})
    assert response.status_code == 200
    return [u.pk for u in response.context["page"].object_list]


@pytest.mark.parametrize("viewer_name", ["supervisor", "tutor"])
def test_the_programme_filter_lists_the_same_rows_as_the_old_subquery(
    as_user, request, learners, viewer_name
):
    viewer = request.getfixturevalue(viewer_name)
    client = as_user(viewer)
    alpha = learners["alpha"].pk
    for params in (
        {"programme": alpha},
        {"programme": learners["beta"].pk},
        {"programme_status": S.ON_A_BREAK},
        {"programme": alpha, "programme_status": S.ACTIVE},
        {"programme": alpha, "programme_status": S.COMPLETE},
    ):
        expected = old_page(viewer, params)
        assert page(client, params) == expected, params
    assert page(client, {"programme": alpha})  # the comparison is not of empty pages


@pytest.mark.parametrize("viewer_name", ["supervisor", "tutor"])
@pytest.mark.parametrize("sort", ["programme", "-programme"])
def test_the_programme_sort_gives_the_same_order_as_the_old_subquery(
    as_user, request, learners, viewer_name, sort
):
    viewer = request.getfixturevalue(viewer_name)
    assert page(as_user(viewer), {"sort": sort}) == old_page(viewer, {}, sort)


def test_the_programme_column_shows_the_current_programme(as_user, supervisor, learners):
    response = as_user(supervisor).get(URL, {"sort": "programme", "per_page": 100})
    shown = {u.pk: (u.programme_name, u.programme_status) for u in response.context["page"]}
    person = learners["people"][1]
    assert shown[person.pk] == ("Alpha", S.ON_A_BREAK)
    assert shown[learners["people"][7].pk] == (None, None)


def test_the_programme_filter_and_sort_use_the_columns_not_a_subquery(
    as_user, supervisor, learners
):
    client = as_user(supervisor)
    params = {"programme": learners["alpha"].pk, "programme_status": "ACTIVE", "sort": "programme"}
    client.get(URL, params)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    listing = [q["sql"] for q in queries if "current_programme_status" in q["sql"]]
    assert listing
    assert not any("programmes_enrolment" in sql for sql in listing)
    # As many queries as before the columns (the test_user_list budget is unchanged).
    assert len(queries) <= 12
