import datetime

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from audit.sections import AUDIT
from tests.factories import EnrolmentFactory

from .helpers import change


def profile(user):
    return f"/users/{user.pk}/"


def section_html(response) -> str:
    return next(i["html"] for i in response.context["sections"] if i["section"].key == "audit")


def test_is_the_last_section_of_every_profile(as_user, supervisor, tutor, learner):
    keys = [i["section"].key for i in as_user(tutor).get(profile(learner)).context["sections"]]
    assert keys[-1] == "audit"
    keys = [i["section"].key for i in as_user(supervisor).get(profile(tutor)).context["sections"]]
    assert keys[-1] == "audit"


def test_shows_the_latest_five_entries_and_links_to_the_full_trail(as_user, tutor, learner):
    for n in range(7):
        change(
            learner,
            actor=tutor,
            at=datetime.datetime(2026, 5, 1 + n, 10, 0),
            mobile=f"07700 90000{n}",
        )
    html = section_html(as_user(tutor).get(profile(learner)))
    assert html.count("<tr>") == 1 + 5
    assert "07/05/2026 10:00" in html
    assert "01/05/2026 10:00" not in html
    assert "Tara Tutor" in html
    assert "Mobile" in html
    assert "07700" not in html  # the summary names fields; values are on the full page
    assert f'href="/audit/users/{learner.pk}/"' in html


def test_an_administrators_trail_is_the_changes_to_their_own_record(as_user, supervisor, tutor):
    change(tutor, actor=supervisor, job_title="Lead tutor")
    html = section_html(as_user(supervisor).get(profile(tutor)))
    assert "Sam Supervisor" in html
    assert "Position" in html


def test_summary_runs_one_query_however_long_the_trail(rf: RequestFactory, tutor, learner):
    request = rf.get("/")
    request.user = tutor
    EnrolmentFactory(learner=learner)
    for n in range(12):
        change(learner, actor=tutor, mobile=f"07700 9000{n:02d}")
    with CaptureQueriesContext(connection) as ctx:
        AUDIT.summary(request, learner)
    assert len(ctx.captured_queries) == 1


def _profile_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(profile(user)).status_code == 200
    return len(ctx.captured_queries)


def test_profile_query_count_does_not_grow_with_the_trail(as_user, tutor, supervisor, learner):
    client = as_user(tutor)
    change(learner, actor=tutor, mobile="07700 900001")
    small = _profile_queries(client, learner)
    for n in range(30):
        change(learner, actor=supervisor, town=f"Town {n}")
    EnrolmentFactory.create_batch(3, learner=learner)
    learner.groups.add(tutor.groups.first())
    assert _profile_queries(client, learner) == small
    # The Reviews (three) and Review documents (two) sections' queries included.
    assert small <= 41


def test_names_sections_as_the_profile_does_and_leaves_bookkeeping_out(
    rf: RequestFactory, as_user, tutor, learner
):
    EnrolmentFactory(learner=learner)
    html = section_html(as_user(tutor).get(profile(learner)))
    assert '<span class="fw-semibold">Programme</span>' in html
    assert '<span class="fw-semibold">Details</span>' in html
    request = rf.get("/")
    request.user = tutor
    rows = AUDIT.summary(request, learner)["audit_rows"]
    fields = {name for row in rows for name in row["fields"]}
    # The creations list what was entered, not ids, creation stamps or flags.
    assert {"First name", "Programme"} <= fields
    assert not fields & {"ID", "Created at", "Superuser status", "Learner", "Version"}
