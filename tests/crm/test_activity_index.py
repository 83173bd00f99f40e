"""The portal-wide Activities page: every activity on the learners in the viewer's scope."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db
URL = "/activities/"
LONDON = ZoneInfo("Europe/London")


def subjects(response) -> list[str]:
    return [activity.subject for activity, _ in response.context["rows"]]


@pytest.fixture
def far_learner(tree):
    return UserFactory(first_name="Far", last_name="Away", groups=[tree["south"]])


def test_anonymous_is_redirected_to_login(client):
    assert client.get(URL)["Location"].startswith("/login/")


def test_a_learner_gets_nothing(as_user, learner):
    ActivityFactory(learner=learner, subject="Private call")
    response = as_user(learner).get(URL)
    assert response.status_code == 403
    assert "Private call" not in response.content.decode()


def test_each_viewer_sees_only_the_learners_in_their_scope(
    as_user, tutor, outsider, supervisor, learner, far_learner
):
    ActivityFactory(learner=learner, subject="North call")
    ActivityFactory(learner=far_learner, subject="South call")
    assert subjects(as_user(tutor).get(URL)) == ["North call"]
    assert subjects(as_user(outsider).get(URL)) == ["South call"]
    assert sorted(subjects(as_user(supervisor).get(URL))) == ["North call", "South call"]


def test_the_top_navigation_links_the_page(as_user, colleague):
    body = as_user(colleague).get("/users/").content.decode()
    assert 'href="/activities/"' in body


def test_newest_first_and_sortable_by_learner(as_user, supervisor, learner, far_learner):
    ActivityFactory(
        learner=learner, subject="Smith", occurred_at=datetime.datetime(2026, 1, 1, tzinfo=LONDON)
    )
    ActivityFactory(
        learner=far_learner,
        subject="Away",
        occurred_at=datetime.datetime(2026, 2, 1, tzinfo=LONDON),
    )
    client = as_user(supervisor)
    assert subjects(client.get(URL)) == ["Away", "Smith"]
    assert subjects(client.get(URL + "?sort=learner")) == ["Away", "Smith"]
    assert subjects(client.get(URL + "?sort=-learner")) == ["Smith", "Away"]
    assert subjects(client.get(URL + "?sort=when")) == ["Smith", "Away"]


def test_filters_author_group_day_and_type(as_user, supervisor, tutor, learner, far_learner, tree):
    day = datetime.datetime(2026, 5, 5, 10, 0, tzinfo=LONDON)
    ActivityFactory(learner=learner, subject="Mine", created_by=supervisor, occurred_at=day)
    ActivityFactory(learner=learner, subject="Tutor's", created_by=tutor, activity_type="EMAIL")
    ActivityFactory(learner=far_learner, subject="South", created_by=supervisor)
    client = as_user(supervisor)
    assert sorted(subjects(client.get(URL + "?author=me"))) == ["Mine", "South"]
    group = tree["north"].pk
    assert sorted(subjects(client.get(URL + f"?group={group}"))) == ["Mine", "Tutor's"]
    assert subjects(client.get(URL + "?day=2026-05-05")) == ["Mine"]
    assert subjects(client.get(URL + "?activity_type=EMAIL")) == ["Tutor's"]


def test_a_group_outside_the_viewers_scope_is_refused(as_user, tutor, tree):
    response = as_user(tutor).get(URL + f"?group={tree['south'].pk}")
    assert response.status_code == 200
    assert response.context["filter"].form.errors["group"]


def test_a_reversed_period_is_a_clear_error(as_user, tutor, learner):
    ActivityFactory(learner=learner)
    response = as_user(tutor).get(URL + "?date_from=2026-05-02&date_to=2026-05-01")
    assert "The end of the period must be on or after its start." in response.content.decode()
    assert subjects(response) == []


def test_pagination(as_user, tutor, learner):
    ActivityFactory.create_batch(27, learner=learner)
    client = as_user(tutor)
    assert len(client.get(URL).context["rows"]) == 25
    assert len(client.get(URL + "?page=2").context["rows"]) == 2


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(as_user, tutor, supervisor, learner, tree):
    client = as_user(tutor)
    ActivityFactory(learner=learner, created_by=tutor)
    small = _queries(client, URL)
    for n in range(15):
        other = UserFactory(groups=[tree["leeds"]], last_name=f"Learner{n}")
        ActivityFactory.create_batch(2, learner=other, created_by=supervisor)
    assert _queries(client, URL) == small
    assert _queries(client, URL + "?sort=learner&author=me") == small


def test_the_newest_first_page_reads_the_time_index(db):
    """The page's query filters and orders by occurred_at, which the crm_activity_time index
    (or the (learner, -occurred_at) one) serves: the plan names one of them."""
    from crm.models import CrmActivity

    if connection.vendor != "sqlite":
        pytest.skip("Reads SQLite's plan; PostgreSQL's depends on the table's statistics.")
    names = {index.name for index in CrmActivity._meta.indexes}
    assert {"crm_activity_time", "crm_activity_learner_time"} <= names
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM crm_crmactivity "
            "WHERE occurred_at >= %s ORDER BY occurred_at DESC LIMIT 25",
            ["2026-01-01"],
        )
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "crm_activity_time" in plan
