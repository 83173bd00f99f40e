"""The Signatures page: the viewer's scope by status, its filters, and the bulk actions'
per-learner report."""

from dataclasses import astuple

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compliance.models import ComplianceDocument
from tests.compliance.factories import grant, kind, required_enrolment
from tests.factories import UserFactory

Status = ComplianceDocument.Status
URL = "/compliance/signatures/"


@pytest.fixture
def enrolment(learner):
    return required_enrolment(learner, "commitment-statement", "written-agreement")


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get(URL)["Location"].startswith("/login/")


def test_a_learner_is_refused(client, learner):
    client.force_login(learner)
    assert client.get(URL).status_code == 403


def test_not_created_lists_each_required_type_of_learners_in_scope(as_user, tutor, tree, enrolment):
    far = UserFactory(groups=[tree["south"]], first_name="Far", last_name="Away")
    required_enrolment(far)
    body = as_user(tutor).get(URL).content.decode()
    assert "John Smith" in body
    assert "Commitment Statement" in body
    assert "Written Agreement" in body
    assert "Far Away" not in body


def test_each_view_lists_the_latest_document_in_that_state(as_user, tutor, enrolment):
    ComplianceDocument.objects.create(
        learner=enrolment.learner,
        enrolment=enrolment,
        document_type=kind("written-agreement"),
        number=1,
        status=Status.WAITING,
        file="x.pdf",
        original_name="x.pdf",
        sha256="0",
    )
    client = as_user(tutor)
    waiting = client.get(URL, {"view": "waiting"}).context["page"].object_list
    assert [r.required_type_name for r in waiting] == ["Written Agreement"]
    not_created = client.get(URL).context["page"].object_list
    assert [r.required_type_name for r in not_created] == ["Commitment Statement"]
    assert not client.get(URL, {"view": "signed"}).context["page"].object_list


def test_filters_by_document_type_and_programme(as_user, tutor, enrolment):
    client = as_user(tutor)
    rows = client.get(URL, {"document_type": kind("written-agreement").pk}).context["page"]
    assert [r.required_type_name for r in rows.object_list] == ["Written Agreement"]
    other = required_enrolment(UserFactory(groups=enrolment.learner.groups.all()))
    rows = client.get(URL, {"programme": other.programme.pk}).context["page"]
    assert {r.learner_id for r in rows.object_list} == {other.learner_id}


def test_filters_by_case_owner_and_group(as_user, tutor, tree, enrolment):
    enrolment.learner.case_owner = tutor
    enrolment.learner.save()
    required_enrolment(UserFactory(groups=[tree["leeds"]]))
    client = as_user(tutor)
    rows = client.get(URL, {"case_owner": tutor.pk}).context["page"].object_list
    assert {r.learner_id for r in rows} == {enrolment.learner_id}
    rows = client.get(URL, {"group": tree["cohort"].pk}).context["page"].object_list
    assert {r.learner_id for r in rows} == {enrolment.learner_id}


def _queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_runs_a_fixed_number_of_queries(as_user, tutor, tree, enrolment):
    client = as_user(grant(tutor, "Compliance mass processing"))
    small = _queries(client)
    for _ in range(12):
        required_enrolment(
            UserFactory(groups=[tree["cohort"]]), "commitment-statement", "ilr-document"
        )
    assert _queries(client) == small
    assert _queries(client, {"view": "signed"}) <= small


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_needs_the_mass_processing_role(as_user, tutor, enrolment):
    key = f"{enrolment.pk}-{kind().pk}"
    response = as_user(tutor).post(f"{URL}bulk/", {"action": "create", "rows": [key]})
    assert response.status_code == 403
    assert not ComplianceDocument.objects.exists()


def test_bulk_without_ticked_rows_says_so(as_user, tutor, enrolment):
    client = as_user(grant(tutor, "Compliance mass processing"))
    response = client.post(f"{URL}bulk/", {"action": "create"})
    assert response.status_code == 400
    assert "Tick at least one" in response.content.decode()


def test_bulk_create_reports_per_learner(as_user, tutor, outsider, tree, enrolment):
    client = as_user(grant(tutor, "Compliance mass processing"))
    far = required_enrolment(UserFactory(groups=[tree["south"]]))
    client.post(f"{URL}bulk/", {"action": "create", "rows": [f"{enrolment.pk}-{kind().pk}"]})
    rows = [
        f"{enrolment.pk}-{kind().pk}",
        f"{enrolment.pk}-{kind('written-agreement').pk}",
        f"{far.pk}-{kind().pk}",
    ]
    response = client.post(f"{URL}bulk/", {"action": "create", "rows": rows}, follow=True)
    report = [astuple(o) for o in response.context["report"]]
    assert report == [
        (
            "John Smith",
            "Commitment Statement",
            False,
            "skipped because one exists already (Signature required)",
        ),
        ("John Smith", "Written Agreement", True, "created version 1"),
        (
            "A learner",
            "Commitment Statement",
            False,
            "skipped because it is no longer in your list",
        ),
    ]
    assert not far.compliance_documents.exists()


def test_bulk_reminders_report_per_learner(as_user, tutor, enrolment):
    from compliance import services

    client = as_user(grant(tutor, "Compliance mass processing"))
    services.compliance_document_create(enrolment=enrolment, document_type=kind(), actor=tutor)
    rows = [f"{enrolment.pk}-{kind().pk}", f"{enrolment.pk}-{kind('written-agreement').pk}"]
    response = client.post(f"{URL}bulk/", {"action": "remind", "rows": rows}, follow=True)
    whats = [o.what for o in response.context["report"]]
    assert "Skipped because it does not need signatures" in response.content.decode()
    assert whats[1] == "skipped because it does not need signatures"
    # The learner is reminded; the tutor who created it signs in the portal.
    assert whats[0] == "reminded 1 signer"


def test_a_document_made_before_electronic_signing_is_not_reminded(as_user, tutor, enrolment):
    client = as_user(grant(tutor, "Compliance mass processing"))
    ComplianceDocument.objects.create(
        learner=enrolment.learner,
        enrolment=enrolment,
        document_type=kind(),
        number=1,
        status=Status.CREATED,
        file="x.pdf",
        original_name="x.pdf",
        sha256="0",
    )
    rows = [f"{enrolment.pk}-{kind().pk}"]
    response = client.post(f"{URL}bulk/", {"action": "remind", "rows": rows}, follow=True)
    whats = [o.what for o in response.context["report"]]
    assert whats == ["skipped because it was made before electronic signing"]


def test_bulk_create_runs_as_a_task_whose_page_follows_it(as_user, tutor, enrolment, settings):
    """With the database queue and no worker yet, the report page shows the job waiting and
    polls; the task's run (what a worker does) then writes the report the page shows and offers
    as a file."""
    from reporting.models import FileExport
    from reporting.tasks import run_file_export

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = as_user(grant(tutor, "Compliance mass processing"))
    response = client.post(
        f"{URL}bulk/", {"action": "create", "rows": [f"{enrolment.pk}-{kind().pk}"]}
    )
    job = FileExport.objects.get()
    assert response["Location"] == f"{URL}bulk/{job.pk}/"
    assert not ComplianceDocument.objects.exists()
    waiting = client.get(response["Location"]).content.decode()
    assert "waiting for a task worker" in waiting
    assert 'hx-trigger="every 2s"' in waiting

    run_file_export.call(job.pk)

    job.refresh_from_db()
    assert job.status == FileExport.Status.READY
    assert ComplianceDocument.objects.count() == 1
    done = client.get(response["Location"])
    assert [astuple(o) for o in done.context["report"]] == [
        ("John Smith", "Commitment Statement", True, "created version 1")
    ]
    assert "hx-trigger" not in done.content.decode()
    assert job.file_name.endswith("-1-row.csv")


def test_a_bulk_report_is_only_its_administrators(as_user, tutor, supervisor, enrolment):
    client = as_user(grant(tutor, "Compliance mass processing"))
    client.post(f"{URL}bulk/", {"action": "create", "rows": [f"{enrolment.pk}-{kind().pk}"]})
    from reporting.models import FileExport

    job = FileExport.objects.get()
    assert as_user(supervisor).get(f"{URL}bulk/{job.pk}/").status_code == 404
