"""The CRM activities CSV of a learner's Activities page and of the portal-wide page."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest

from audit.models import AuditEntry
from crm.exports import COLUMNS
from reporting.models import FileExport
from tests.factories import UserFactory

from .factories import ActivityFactory, CrmLinkFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def learner_url(learner, query=""):
    return f"/users/{learner.pk}/activities/export.csv{'?' + query if query else ''}"


def portal_url(query=""):
    return f"/activities/export.csv{'?' + query if query else ''}"


def read(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(learner_url(learner))["Location"].startswith("/login/")
    assert client.get(portal_url())["Location"].startswith("/login/")


def test_outsider_gets_404_for_a_learner_outside_their_scope(as_user, outsider, learner):
    assert as_user(outsider).get(learner_url(learner)).status_code == 404


def test_without_data_export_it_is_403(as_user, colleague, learner):
    client = as_user(colleague)
    assert client.get(learner_url(learner)).status_code == 403
    assert client.post(portal_url()).status_code == 403
    # And the pages offer no Export block.
    assert "Export CSV" not in client.get(f"/users/{learner.pk}/activities/").content.decode()


def test_the_learner_themself_gets_nothing(as_user, learner):
    assert as_user(learner).get(learner_url(learner)).status_code == 403


def test_columns_rows_and_the_row_count_line(as_user, tutor, learner):
    link = CrmLinkFactory(learner=learner, crm_contact__first_name="Harriet")
    ActivityFactory(
        learner=learner,
        created_by=tutor,
        activity_type="MEETING",
        direction="IN",
        occurred_at=datetime.datetime(2026, 7, 3, 9, 5, tzinfo=LONDON),
        duration_minutes=45,
        with_whom="CRM",
        crm_contact=link.crm_contact,
        subject="Review of placement",
        notes="Went well",
        outcome="Keep going",
        follow_up_on=datetime.date(2026, 8, 1),
    )
    rows = read(as_user(tutor).get(learner_url(learner)))
    assert rows[0] == COLUMNS
    assert rows[1] == [
        "03/07/2026 09:05",
        "John Smith",
        learner.reference_number,
        "Meeting",
        "Inbound (they contacted us)",
        "CRM contact",
        link.crm_contact.full_name,
        "Review of placement",
        "Went well",
        "Keep going",
        "45",
        "01/08/2026",
        "Tara Tutor",
    ]
    assert rows[-1] == ["# 1 row"]


def test_the_current_filters_apply(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject="Call", activity_type="PHONE")
    ActivityFactory(learner=learner, subject="Letter", activity_type="LETTER")
    ActivityFactory(subject="Another learner's", activity_type="LETTER")
    rows = read(as_user(tutor).get(learner_url(learner, "activity_type=LETTER")))
    assert [row[7] for row in rows[1:-1]] == ["Letter"]
    assert rows[-1] == ["# 1 row"]


def test_formula_cells_are_neutralised(as_user, tutor, learner):
    ActivityFactory(learner=learner, subject='=HYPERLINK("http://x")', outcome="+1", notes="@me")
    ActivityFactory(learner=learner, subject="-2")
    rows = read(as_user(tutor).get(learner_url(learner, "sort=subject")))
    by_subject = {row[7]: row for row in rows[1:-1]}
    assert '\'=HYPERLINK("http://x")' in by_subject
    assert by_subject['\'=HYPERLINK("http://x")'][9] == "'+1"
    assert by_subject['\'=HYPERLINK("http://x")'][8] == "'@me"
    assert "'-2" in by_subject


def test_the_export_is_noted_on_the_learners_trail(as_user, tutor, learner):
    ActivityFactory(learner=learner)
    read(as_user(tutor).get(learner_url(learner)))
    entry = AuditEntry.objects.get(learner=learner, action=AuditEntry.Action.ACCESS)
    assert entry.actor == tutor
    assert "CRM activities" in str(entry.changes)


def test_the_portal_export_holds_the_viewers_scope_and_filters(
    as_user, tutor, learner, tree, supervisor
):
    far = UserFactory(groups=[tree["south"]])
    ActivityFactory(learner=learner, subject="Mine", created_by=tutor)
    ActivityFactory(learner=learner, subject="Theirs", created_by=supervisor)
    ActivityFactory(learner=far, subject="South", created_by=tutor)
    client = as_user(tutor)
    rows = read(client.post(portal_url()))
    assert sorted(row[7] for row in rows[1:-1]) == ["Mine", "Theirs"]
    rows = read(client.post(portal_url("author=me")))
    assert [row[7] for row in rows[1:-1]] == ["Mine"]


def test_a_reversed_period_is_not_exported(as_user, tutor, learner):
    response = as_user(tutor).post(portal_url("date_from=2026-05-02&date_to=2026-05-01"))
    assert response.status_code == 302
    assert response["Location"].startswith("/activities/?")


def test_above_the_inline_limit_a_post_makes_a_background_file(as_user, tutor, learner, settings):
    settings.EXPORT_INLINE_MAX_ROWS = 2
    ActivityFactory.create_batch(3, learner=learner)
    client = as_user(tutor)
    # A GET (a saved link) does not make a job: it goes back to the page, whose button posts.
    response = client.get(learner_url(learner))
    assert response.status_code == 302
    assert not FileExport.objects.exists()
    response = client.post(learner_url(learner))
    job = FileExport.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    job.refresh_from_db()
    assert job.status == FileExport.Status.READY
    assert job.row_count == 3
    text = job.file.open("rb").read().decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == COLUMNS
    assert lines[-1] == ["# 3 rows"]


def test_the_section_export_block_links_the_reviews_csv(as_user, tutor, learner):
    ActivityFactory(learner=learner)
    body = as_user(tutor).get(f"/users/{learner.pk}/activities/").content.decode()
    assert f"/users/{learner.pk}/reviews/export.csv" in body
    assert f"/users/{learner.pk}/activities/export.csv" in body
