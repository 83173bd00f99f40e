import csv
import datetime
import io

import pytest

from audit.models import AuditEntry
from audit.trail import EMPTY, MASK
from tests.audit.helpers import change
from tests.factories import EnrolmentFactory


def url(user, query=""):
    return f"/audit/users/{user.pk}/export.csv{'?' + query if query else ''}"


def read(response) -> list[dict]:
    """The data rows, once the trailer has been checked to count them."""
    text = b"".join(response.streaming_content).decode()
    body, trailer = text.removesuffix("\r\n").rsplit("\r\n", 1)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert trailer == f"# {len(rows)} row{'' if len(rows) == 1 else 's'}"
    return rows


@pytest.fixture
def history(learner, tutor, supervisor):
    change(learner, actor=tutor, at=datetime.datetime(2026, 3, 1, 9, 0), mobile="07700 900001")
    change(
        learner,
        actor=supervisor,
        at=datetime.datetime(2026, 6, 15, 14, 30),
        ni_number="CD654321A",
        reason="Corrected from passport",
    )
    EnrolmentFactory(learner=learner)
    return learner


def test_anonymous_is_sent_to_login(client, learner):
    response = client.get(url(learner))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_needs_the_export_permission(as_user, colleague, learner):
    before = AuditEntry.objects.count()
    assert as_user(colleague).get(url(learner)).status_code == 403
    assert AuditEntry.objects.count() == before


def test_streams_the_trail_with_the_page_columns(as_user, supervisor, history):
    response = as_user(supervisor).get(url(history))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = read(response)
    assert list(rows[0]) == [
        "When",
        "Who",
        "Record",
        "Record type",
        "Section",
        "Action",
        "Changes",
        "Reason",
        "IP address",
        "Request id",
    ]
    passport = next(r for r in rows if r["Reason"])
    assert passport["When"] == "15/06/2026 14:30"
    assert passport["Who"] == "Sam Supervisor"
    assert passport["Record"] == "John Smith"
    assert passport["Record type"] == "user"
    assert passport["Section"] == "Details"
    assert passport["Action"] == "updated"
    assert passport["Changes"] == "NI number: AB123456C → CD654321A"
    assert passport["Reason"] == "Corrected from passport"
    assert passport["IP address"] == "192.0.2.10"
    assert {r["Record type"] for r in rows} == {"user", "enrolment"}
    assert {r["Section"] for r in rows} == {"Details", "Programme"}


def test_masks_sensitive_values_without_the_permission(as_user, tutor, history):
    rows = read(as_user(tutor).get(url(history)))
    passport = next(r for r in rows if r["Reason"])
    assert passport["Changes"] == f"NI number: {MASK} → {MASK}"
    text = str(rows)
    assert "AB123456C" not in text
    assert "CD654321A" not in text


def test_exports_only_the_filtered_entries(as_user, tutor, history):
    rows = read(as_user(tutor).get(url(history, f"actor={tutor.pk}&date_to=31/03/2026")))
    assert [r["Changes"] for r in rows] == [f"Mobile: {EMPTY} → 07700 900001"]


def test_is_recorded_as_an_access_entry_on_the_learners_trail(as_user, tutor, history):
    response = as_user(tutor).get(url(history, "date_from=01/01/2026"))
    rows = read(response)
    entry = AuditEntry.objects.filter(learner=history).latest("pk")
    assert entry.action == AuditEntry.Action.ACCESS
    assert entry.actor == tutor
    assert "Audit trail CSV: date_from=01%2F01%2F2026" in entry.changes_dict["export"][1]
    assert all(r["Action"] != "access" for r in rows)  # the export does not list itself


def test_bad_filters_redirect_to_the_page_with_a_message(as_user, tutor, history):
    before = AuditEntry.objects.count()
    client = as_user(tutor)
    response = client.get(url(history, "date_from=31/31/2026"))
    assert response.status_code == 302
    assert response.url == f"/audit/users/{history.pk}/?date_from=31%2F31%2F2026"
    assert AuditEntry.objects.count() == before
    body = client.get(response.url).content.decode()
    assert "Fix the filters before exporting." in body
    assert "Enter a valid date." in body


def test_the_last_line_states_the_number_of_data_rows(as_user, supervisor, history):
    response = as_user(supervisor).get(url(history))
    *lines, last = b"".join(response.streaming_content).decode().splitlines()
    data_rows = list(csv.reader(io.StringIO("\n".join(lines))))[1:]
    assert len(data_rows) >= 3
    assert last == f"# {len(data_rows)} rows"


def test_the_trail_page_says_how_many_rows_the_export_holds(as_user, supervisor, history):
    client = as_user(supervisor)
    page = client.get(f"/audit/users/{history.pk}/?date_to=31/03/2026")
    assert "Export CSV (1 row)" in page.content.decode()
    everything = client.get(f"/audit/users/{history.pk}/")
    count = everything.context["page"].paginator.count
    assert f"Export CSV ({count} rows)" in everything.content.decode()
    assert len(read(client.get(url(history)))) == count
