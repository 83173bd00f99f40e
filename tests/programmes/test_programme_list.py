from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProgrammeFactory

URL = "/programmes/"


def test_anonymous_is_redirected_to_login(client):
    assert client.get(URL)["Location"].startswith("/login/")


def test_without_manage_programmes_gets_403(as_user, colleague, tutor):
    assert as_user(colleague).get(URL).status_code == 403
    assert as_user(tutor).get(URL).status_code == 403


def test_lists_the_programmes_with_their_details(as_user, supervisor):
    ProgrammeFactory(name="Data Analyst", code="DA4", level=4, duration_months=15)
    body = as_user(supervisor).get(URL).content.decode()
    assert "Data Analyst" in body
    assert "DA4" in body
    assert "15 months" in body


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_programmes(as_user, supervisor):
    client = as_user(supervisor)
    ProgrammeFactory.create_batch(2)
    few = _queries(client)
    ProgrammeFactory.create_batch(20)
    assert _queries(client) == few
