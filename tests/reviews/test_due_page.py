"""The Reviews due page (/reviews/due/): who may see it and whose rows, its status words, the
filters, sort, pagination, empty state, fixed query count, and its CSV export."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from programmes.models import Enrolment
from reporting.models import FileExport
from reviews.due_models import ReviewDue
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory
from tests.reviews.due_factories import a_break, held_review, learning

D = datetime.date
URL = "/reviews/due/"
EXPORT = "/reviews/due/export.csv"
# START + 12 weeks is 30/03/2026.
TODAY = datetime.datetime(2026, 4, 11, 12, 0)

pytestmark = pytest.mark.usefixtures("_today")


@pytest.fixture
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def enrolment(learner):
    return learning(learner)


def rows(response) -> list[str]:
    return [row.learner.full_name for row in response.context["page"].object_list]


# --- access ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith("/login/")
    assert client.get(EXPORT)["Location"].startswith("/login/")


@pytest.mark.parametrize("user_type", ["LEARNER", "EMPLOYER"])
def test_learners_and_employers_are_refused(client, tree, user_type):
    client.force_login(UserFactory(user_type=user_type, groups=[tree["cohort"]]))
    assert client.get(URL).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_each_administrator_sees_only_learners_in_their_groups(
    as_user, tutor, outsider, tree, enrolment
):
    far = learning(groups=[tree["south"]])
    assert rows(as_user(tutor).get(URL)) == ["John Smith"]
    assert rows(as_user(outsider).get(URL)) == [far.learner.full_name]


def test_the_nav_links_to_the_page_for_administrators_only(as_user, tutor, learner):
    body = as_user(tutor).get("/users/").content.decode()
    assert 'href="/reviews/due/">Reviews due</a>' in body
    response = as_user(learner).get("/", follow=True)
    assert response.status_code == 200
    assert "/reviews/due/" not in response.content.decode()


# --- the rows ----------------------------------------------------------------------------------


def test_a_row_shows_the_learner_their_programme_and_schedule(as_user, tutor, enrolment):
    enrolment.learner.case_owner = tutor
    enrolment.learner.reference_number = "REF-42"
    enrolment.learner.save()
    body = as_user(tutor).get(URL).content.decode()
    assert f'href="/users/{enrolment.learner_id}/"' in body
    assert "REF-42" in body
    assert enrolment.programme.name in body
    assert "Tara Tutor" in body
    assert "30/03/2026" in body
    assert '<strong class="text-danger">Overdue by 12 days</strong>' in body


def test_due_soon_and_paused_in_words(as_user, tutor, tree):
    soon = learning(groups=[tree["cohort"]], start_date=D(2026, 1, 22))
    paused = learning(groups=[tree["cohort"]])
    a_break(paused, D(2026, 4, 1))
    client = as_user(tutor)
    body = client.get(URL).content.decode()
    assert "Due in 5 days" in body
    assert "Paused: on a break since 01/04/2026" in body
    assert soon.learner.full_name in body


def test_learners_not_learning_have_no_row(as_user, tutor, learner):
    EnrolmentFactory(learner=learner, status=Enrolment.Status.ONBOARDING)
    learning(groups=[learner.groups.first()], status=Enrolment.Status.COMPLETE)
    assert rows(as_user(tutor).get(URL)) == []


# --- filters, sort, pagination, empty state ------------------------------------------------


@pytest.fixture
def three(tree, tutor):
    """Overdue (Amy, in Leeds), due in 10 days (Ben, cohort, owned by the tutor) and due in 20
    days (Cat, cohort, another programme, reviewed)."""
    amy = learning(UserFactory(first_name="Amy", last_name="Able", groups=[tree["leeds"]]))
    ben_learner = UserFactory(
        first_name="Ben", last_name="Brown", groups=[tree["cohort"]], case_owner=tutor
    )
    ben = learning(ben_learner, start_date=D(2026, 1, 26))
    cat = learning(
        UserFactory(first_name="Cat", last_name="Cole", groups=[tree["cohort"]]),
        programme=ProgrammeFactory(name="Zoology"),
    )
    held_review(cat, D(2026, 2, 6))
    return amy, ben, cat


def test_filters_by_when(as_user, tutor, three):
    client = as_user(tutor)
    assert rows(client.get(URL, {"when": "overdue"})) == ["Amy Able"]
    assert rows(client.get(URL, {"when": "14"})) == ["Ben Brown"]
    assert rows(client.get(URL, {"when": "30"})) == ["Ben Brown", "Cat Cole"]
    assert rows(client.get(URL)) == ["Amy Able", "Ben Brown", "Cat Cole"]


def test_filters_by_group_case_owner_and_programme(as_user, tutor, tree, three):
    client = as_user(tutor)
    assert rows(client.get(URL, {"group": tree["cohort"].pk})) == ["Ben Brown", "Cat Cole"]
    assert rows(client.get(URL, {"case_owner": tutor.pk})) == ["Ben Brown"]
    assert rows(client.get(URL, {"programme": three[2].programme_id})) == ["Cat Cole"]


def test_a_filter_value_that_is_not_offered_shows_no_rows(as_user, tutor, tree, three):
    response = as_user(tutor).get(URL, {"group": tree["south"].pk, "when": "soon"})
    assert response.status_code == 200
    assert not response.context["page"].object_list


def test_sorts_by_each_column_both_ways(as_user, tutor, three):
    client = as_user(tutor)
    assert rows(client.get(URL, {"sort": "-due"})) == ["Cat Cole", "Ben Brown", "Amy Able"]
    assert rows(client.get(URL, {"sort": "-learner"})) == ["Cat Cole", "Ben Brown", "Amy Able"]
    assert rows(client.get(URL, {"sort": "programme"}))[-1] == "Cat Cole"
    # Never reviewed comes last.
    assert rows(client.get(URL, {"sort": "last_review"}))[0] == "Cat Cole"
    assert rows(client.get(URL, {"sort": "nonsense"})) == ["Amy Able", "Ben Brown", "Cat Cole"]


def test_the_sorted_column_says_so_and_links_to_the_reverse(as_user, tutor, three):
    body = as_user(tutor).get(URL, {"sort": "due"}).content.decode()
    assert 'aria-sort="ascending"' in body
    assert "sort=-due" in body


def test_pages_of_25_keep_the_filters(as_user, tutor, tree):
    for _ in range(26):
        learning(groups=[tree["cohort"]])
    client = as_user(tutor)
    first = client.get(URL, {"when": "overdue"})
    assert len(first.context["page"].object_list) == 25
    assert "when=overdue&amp;page=2" in first.content.decode()
    assert len(client.get(URL, {"when": "overdue", "page": 2}).context["page"].object_list) == 1


def test_filters_matching_nothing_offer_to_clear_them(as_user, tutor, three):
    body = as_user(tutor).get(URL, {"programme": ProgrammeFactory().pk}).content.decode()
    assert "match these filters" in body
    assert "No reviews due." not in body


def test_nothing_at_all_says_so(as_user, tutor):
    assert "No reviews due." in as_user(tutor).get(URL).content.decode()


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(as_user, tutor, tree, enrolment):
    client = as_user(tutor)
    small = _queries(client)
    for n in range(15):
        owner = tutor if n % 2 else None
        learning(
            UserFactory(groups=[tree["cohort"]], case_owner=owner), programme=ProgrammeFactory()
        )
    assert _queries(client) == small
    assert _queries(client, {"when": "overdue", "sort": "-learner"}) == small


# --- the CSV export ----------------------------------------------------------------------------


def _csv(response) -> list[str]:
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode().splitlines()


def test_the_export_needs_the_data_export_role(as_user, colleague, enrolment):
    assert as_user(colleague).get(EXPORT).status_code == 403


def test_the_export_has_the_filtered_rows_and_the_count(as_user, tutor, three):
    response = as_user(tutor).get(EXPORT, {"group": "", "when": "30"})
    lines = _csv(response)
    assert lines[0] == (
        "Learner,Reference,Programme,Case owner,Last progress review,Next review due,Status"
    )
    assert lines[1].startswith("Ben Brown,")
    assert lines[1].endswith(",Tara Tutor,,20/04/2026,Due in 9 days")
    assert lines[2].startswith("Cat Cole,")
    assert lines[-1] == "# 2 rows"
    # Taken out of the portal: noted on the exporter's own trail, as the Users export does.
    access = AuditEntry.objects.get_for_object(tutor).filter(action=AuditEntry.Action.ACCESS)
    assert access.exists()


def test_the_export_neutralises_formulas(as_user, tutor, tree):
    learning(UserFactory(first_name="=HYPERLINK(1)", last_name="", groups=[tree["cohort"]]))
    lines = _csv(as_user(tutor).get(EXPORT))
    assert lines[1].startswith("'=HYPERLINK(1)")


def test_the_export_of_a_bad_filter_re_renders_with_errors(as_user, tutor, three):
    response = as_user(tutor).get(EXPORT, {"when": "soon"})
    assert response.status_code == 400
    assert response.context["filter"].errors


def test_rows_come_from_the_stored_table(as_user, tutor, enrolment):
    # The page reads ReviewDue, not the reviews: a row edited behind its back shows as stored.
    ReviewDue.objects.filter(enrolment=enrolment).update(due_on=D(2026, 4, 20))
    assert "Due in 9 days" in as_user(tutor).get(URL).content.decode()


def test_the_export_button_posts_with_the_filters_and_counts_the_rows(as_user, tutor, three):
    body = as_user(tutor).get(URL, {"when": "30"}).content.decode()
    assert 'action="/reviews/due/export.csv?when=30' in body
    assert "Export CSV (2 rows)" in body
    lines = _csv(as_user(tutor).post(f"{EXPORT}?when=30"))
    assert lines[-1] == "# 2 rows"


def test_a_large_due_export_is_made_by_a_task(as_user, tutor, three, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    client = as_user(tutor)
    assert client.get(EXPORT, {"when": "30"})["Location"] == "/reviews/due/?when=30"
    response = client.post(f"{EXPORT}?when=30")
    job = FileExport.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    job.refresh_from_db()
    assert (job.kind, job.status, job.row_count) == ("reviews_due", FileExport.Status.READY, 2)
