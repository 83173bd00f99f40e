"""The audit trail reads like a history a person can follow (issue 11, point 5): labels as on the
forms, bookkeeping left out (but kept in the CSV), wizard answers by their labels, creations as
the values entered, the profile's section names, and one save's entries together."""

import csv
import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.context import acting_as
from audit.models import AuditEntry
from crm.models import Note
from programmes.learning.models import WizardProgress
from tests.audit.helpers import change
from tests.factories import EnrolmentFactory


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)):
        yield


def url(user, query=""):
    return f"/audit/users/{user.pk}/{'?' + query if query else ''}"


def export(client, user) -> list[dict]:
    response = client.get(f"/audit/users/{user.pk}/export.csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def texts(response) -> list[str]:
    return [c.as_text() if not c.value else f"{c.label}: {c.value}" for c in changes(response)]


def changes(response):
    return [c for row in response.context["rows"] for c in row.changes]


def note_added(client, learner, text="Called about the review"):
    response = client.post(f"/users/{learner.pk}/notes/add/", {"text": text})
    assert response.status_code == 302
    return Note.objects.get(learner=learner, text=text)


ADVICE = {"career_goals": "Data analyst", "advice_given": "Discussed routes", "suitable": "on"}


def wizard_advice(client, learner, version, **changed):
    response = client.post(
        f"/users/{learner.pk}/wizard/advice/",
        {**ADVICE, **changed, "version": str(version)},
    )
    assert response.status_code == 302, response.content.decode()


def test_choices_are_shown_by_their_label(as_user, tutor, learner):
    change(learner, actor=tutor, sex="F")
    body = as_user(tutor).get(url(learner)).content.decode()
    assert f"Sex: {chr(8211)} → Female" in texts(as_user(tutor).get(url(learner)))
    assert "Female" in body


def test_bookkeeping_fields_are_left_out_of_the_page(as_user, tutor, learner):
    note_added(as_user(tutor), learner)
    labels = {c.label for c in changes(as_user(tutor).get(url(learner)))}
    assert "Note" in labels
    # The learner's own creation and the note's list their id, creation stamp, author...
    for hidden in ("ID", "Created at", "Author", "Version", "Learner", "Superuser status"):
        assert hidden not in labels


def test_the_csv_export_keeps_the_bookkeeping_fields(as_user, tutor, learner):
    note = note_added(as_user(tutor), learner)
    row = next(r for r in export(as_user(tutor), learner) if r["Record type"] == "note")
    assert f"ID: {chr(8211)} → {note.pk}" in row["Changes"]
    assert f"Author: {chr(8211)} → Tara Tutor" in row["Changes"]  # created_by
    assert "Learner: " in row["Changes"]


def test_a_document_hides_its_storage_path_and_hash(as_user, tutor, learner):
    from documents.models import Document

    with acting_as(tutor):
        Document.objects.create(
            learner=learner,
            kind=Document.Kind.choices[0][0],
            file="documents/abc/stored-name.pdf",
            original_name="Contract.pdf",
            content_type="application/pdf",
            size=1234,
            sha256="f" * 64,
            created_by=tutor,
        )
    body = as_user(tutor).get(url(learner)).content.decode()
    assert "Contract.pdf" in body
    assert "stored-name.pdf" not in body
    assert "f" * 64 not in body
    assert "SHA-256" not in body


def test_a_creation_shows_only_the_values_entered(as_user, tutor, learner):
    note_added(as_user(tutor), learner, text="First contact")
    response = as_user(tutor).get(url(learner))
    created = next(r for r in response.context["rows"] if r.kind == "note")
    assert created.action == "created"
    assert [(c.label, c.value) for c in created.changes] == [("Note", "First contact")]
    body = response.content.decode()
    assert "Note</span>: First contact" in body
    assert "None" not in body


def test_the_learners_own_creation_lists_only_filled_in_fields(as_user, tutor, learner):
    response = as_user(tutor).get(url(learner))
    created = next(r for r in response.context["rows"] if r.action == "created")
    labels = [c.label for c in created.changes]
    assert "First name" in labels
    assert all(c.value and c.value != chr(8211) for c in created.changes)
    assert "Middle name" not in labels  # left empty
    assert "Support staff" not in labels  # an unticked box is the form's default


def test_wizard_answers_are_shown_by_their_labels_and_only_the_changed_ones(
    as_user, supervisor, learner
):
    client = as_user(supervisor)
    wizard_advice(client, learner, 0)
    wizard_advice(client, learner, 1, career_goals="Software developer")
    response = client.get(url(learner))
    second, first, *_ = [r for r in response.context["rows"] if r.kind == "onboarding wizard step"]
    assert [c.as_text() for c in second.changes] == [
        "Learner's career goals: Data analyst → Software developer",
    ]
    # The first save fills the step's answers in: each shown by its label.
    shown = {c.label: c.new for c in first.changes}
    assert shown["Learner's career goals"] == "Data analyst"
    assert shown["Information, advice and guidance given"] == "Discussed routes"
    assert '"career_goals"' not in response.content.decode()


def test_records_are_named_by_the_profile_section_they_are_edited_in(as_user, tutor, learner):
    note_added(as_user(tutor), learner)
    EnrolmentFactory(learner=learner)
    response = as_user(tutor).get(url(learner))
    sections = {row.kind: row.section for row in response.context["rows"]}
    assert sections == {"user": "Details", "note": "Notes", "enrolment": "Programme"}
    assert f"Notes</span> {chr(8211)}" in response.content.decode()


def test_the_entries_of_one_request_share_a_correlation_id_and_are_shown_together(
    as_user, supervisor, learner
):
    from tests.programmes.learning.test_wizard import personal

    client = as_user(supervisor)
    response = client.post(f"/users/{learner.pk}/wizard/personal/", {**personal(), "version": "0"})
    assert response.status_code == 302, response.content.decode()
    written = AuditEntry.objects.filter(learner=learner).exclude(cid=None)
    assert {e.content_type.model for e in written} >= {"ilrlearner", "wizardprogress"}
    assert len({e.cid for e in written}) == 1
    note_added(client, learner)  # another request: another id
    assert AuditEntry.objects.exclude(cid=None).values("cid").distinct().count() == 2
    groups = client.get(url(learner)).context["groups"]
    assert [sorted(r.kind for r in g.rows) for g in groups][:2] == [
        ["note"],
        sorted(e.content_type.model_class()._meta.verbose_name for e in written),
    ]


def test_a_service_run_outside_a_request_shares_one_correlation_id(tutor, learner):
    with acting_as(tutor):
        WizardProgress.objects.create(learner=learner, step="introduction", data={"notes": "x"})
        Note.objects.create(learner=learner, text="Hello", created_by=tutor)
    cids = set(AuditEntry.objects.filter(actor=tutor).values_list("cid", flat=True))
    assert len(cids) == 1
    assert None not in cids


def test_entries_without_an_id_group_by_actor_within_a_second(as_user, tutor, supervisor, learner):
    at = datetime.datetime(2026, 3, 1, 9, 0, 0)
    change(learner, actor=tutor, at=at, town="Leeds", reason="Moved house")
    change(learner, actor=tutor, at=at.replace(microsecond=500000), county="West Yorks")
    change(learner, actor=supervisor, at=at.replace(microsecond=700000), mobile="07700 900001")
    change(learner, actor=tutor, at=at.replace(second=5), postcode="LS1 4AP")
    groups = as_user(tutor).get(url(learner)).context["groups"]
    # groups[0] is the learner's creation (today); these are the day before, newest first.
    shaped = [[c.label for r in g.rows for c in r.changes] for g in groups[1:4]]
    assert shaped == [["Postcode"], ["Mobile"], ["County", "Town or city"]]
    assert groups[3].reasons == ["Moved house"]
    assert groups[3].ips == ["192.0.2.10"]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_many_kinds_of_entry_still_run_a_fixed_number_of_queries(
    as_user, tutor, supervisor, colleague, learner
):
    client = as_user(supervisor)
    change(learner, actor=tutor, case_owner=tutor, sex="F")
    note_added(client, learner, "one")
    wizard_advice(client, learner, 0)
    EnrolmentFactory(learner=learner)
    small = _queries(client, url(learner))
    for n in range(30):
        owner = (tutor, supervisor, colleague)[n % 3]
        change(learner, actor=owner, case_owner=owner, mobile=f"07700 9{n:05d}")
        note_added(client, learner, f"note {n}")
    wizard_advice(client, learner, 1, career_goals="Software developer")
    EnrolmentFactory.create_batch(3, learner=learner)
    assert AuditEntry.objects.filter(learner=learner).count() > 60
    assert _queries(client, url(learner)) == small
    # One query per kind of linked record at most (page 2 links no programme): never per entry.
    assert _queries(client, url(learner, "page=2")) <= small


def test_an_access_event_reads_as_what_happened(as_user, tutor, learner):
    from audit.services import log_access

    log_access(learner, kind="download", detail="Contract.pdf", actor=tutor)
    row = next(r for r in as_user(tutor).get(url(learner)).context["rows"] if r.action == "access")
    assert [(c.label, c.value) for c in row.changes] == [("Download", "Contract.pdf")]
