import csv
import datetime
import io

from tests.factories import UserFactory
from users.models import User


def read_csv(response) -> list[list[str]]:
    """The header and data rows, once the trailer has been checked to count the data rows."""
    content = b"".join(response.streaming_content).decode()
    *rows, trailer = csv.reader(io.StringIO(content))
    assert trailer == [f"# {len(rows) - 1} row{'' if len(rows) == 2 else 's'}"]
    return rows


def test_anonymous_is_redirected_to_login(client, db):
    assert client.get("/users/export.csv")["Location"].startswith("/login/")


def test_without_data_export_gets_403(as_user, colleague, learner):
    assert as_user(colleague).get("/users/export.csv").status_code == 403


def test_export_streams_exactly_the_filtered_sorted_list(as_user, tutor, learner, tree):
    UserFactory(first_name="Ann", last_name="Smithers", groups=[tree["cohort"]])
    UserFactory(first_name="Zed", last_name="Other", groups=[tree["cohort"]])
    UserFactory(first_name="Sid", last_name="Smith", groups=[tree["south"]])
    response = as_user(tutor).get("/users/export.csv", {"name": "smith", "sort": "-name"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["ID", "First name", "Surname"]
    assert [r[2] for r in rows[1:]] == ["Smithers", "Smith"]


def test_export_neutralises_spreadsheet_formulas(as_user, tutor, tree):
    UserFactory(
        first_name="Eve",
        last_name="Formula",
        reference_number="=HYPERLINK(1)",
        groups=[tree["cohort"]],
    )
    rows = read_csv(as_user(tutor).get("/users/export.csv"))
    assert "'=HYPERLINK(1)" in rows[1]


def test_export_with_invalid_filters_goes_back_to_the_list(as_user, tutor, tree):
    response = as_user(tutor).get("/users/export.csv", {"groups": tree["south"].pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/users/?")


def test_each_export_is_recorded_as_an_access_entry(as_user, tutor, learner):
    from audit.models import AuditEntry

    as_user(tutor).get("/users/export.csv", {"name": "smith"}, REMOTE_ADDR="192.0.2.4")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).get()
    assert entry.actor == tutor
    assert entry.remote_addr == "192.0.2.4"
    assert "name=smith" in entry.changes_dict["export"][1]


def test_export_writes_stored_dates_at_the_ends_of_the_calendar_in_full(as_user, tutor, tree):
    # Stored directly, as an old import could have left them: the export must still finish.
    early = UserFactory(last_name="Early", groups=[tree["cohort"]])
    late = UserFactory(last_name="Late", groups=[tree["cohort"]])
    User.objects.filter(pk=early.pk).update(subscription_end=datetime.date(1, 1, 1))
    User.objects.filter(pk=late.pk).update(subscription_end=datetime.date(9999, 12, 31))
    rows = read_csv(as_user(tutor).get("/users/export.csv", {"sort": "name"}))
    ends = {r[2]: r[11] for r in rows[1:]}
    assert ends["Early"] == "01/01/0001"
    assert ends["Late"] == "31/12/9999"


def test_the_last_line_states_the_number_of_data_rows(as_user, tutor, tree):
    for n in range(3):
        UserFactory(last_name=f"Counted{n}", groups=[tree["cohort"]])
    response = as_user(tutor).get("/users/export.csv", {"name": "counted"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 3 + 1
    assert lines[-1] == "# 3 rows"


def test_an_export_cut_before_the_end_has_no_row_count(as_user, tutor, tree):
    # What a browser holds when the worker is killed mid-stream: every chunk but the last.
    for n in range(3):
        UserFactory(last_name=f"Counted{n}", groups=[tree["cohort"]])
    response = as_user(tutor).get("/users/export.csv", {"name": "counted"})
    chunks = list(response.streaming_content)
    received = b"".join(chunks[:-1]).decode()
    assert received.startswith("ID,")
    assert received.count("\r\n") == 4  # the header and the three rows
    assert "#" not in received
    # The same stream read to its end does say how many rows it held.
    assert chunks[-1].decode() == "# 3 rows\r\n"


def test_the_users_page_says_how_many_rows_the_export_holds(as_user, tutor, tree):
    for n in range(3):
        UserFactory(last_name=f"Counted{n}", groups=[tree["cohort"]])
    page = as_user(tutor).get("/users/", {"name": "counted", "per_page": 10}).content.decode()
    assert "Export CSV (3 rows)" in page


def test_the_count_on_the_page_counts_every_page_of_results(as_user, tutor, tree):
    for n in range(12):
        UserFactory(last_name=f"Counted{n}", groups=[tree["cohort"]])
    client = as_user(tutor)
    page = client.get("/users/", {"per_page": 10}).content.decode()
    rows = read_csv(client.get("/users/export.csv"))
    assert f"Export CSV ({len(rows) - 1} rows)" in page
    assert len(rows) - 1 > 10
