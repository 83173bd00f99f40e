import csv
import datetime
import io

from tests.factories import UserFactory
from users.models import User


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


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
