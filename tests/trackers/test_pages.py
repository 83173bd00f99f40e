"""The learner's Tracker pages: the permission matrix, raising, editing, the status transitions,
approving and rejecting through the pages, bad input, notes, print and PDF, and query counts."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEntry
from compliance.models import ComplianceDocument
from documents.models import Document
from programmes.models import Enrolment
from tests.compliance.factories import grant, kind
from tests.factories import OrganisationFactory
from tests.sample_files import pdf_bytes
from trackers.models import Tracker, TrackerNote

from .conftest import tracker_type
from .factories import raise_tracker


def list_url(learner):
    return f"/users/{learner.pk}/trackers/"


def add_url(learner, code=""):
    return f"/users/{learner.pk}/trackers/add/" + (f"?type={code}" if code else "")


def page_url(tracker, page=""):
    return f"/users/{tracker.learner_id}/trackers/{tracker.pk}/{page}"


@pytest.fixture
def job(learner, enrolment, raiser):
    return raise_tracker(
        learner,
        "job",
        raiser,
        enrolment=enrolment,
        description="Started as a junior developer",
        organisation=OrganisationFactory(name="Northwind Ltd", kind="EMPLOYER"),
        start_date=datetime.date(2026, 3, 2),
    )


# --- Permission matrix ------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "add", "detail", "edit", "reject", "print", "pdf"])
def test_anonymous_is_sent_to_sign_in(client, job, page):
    url = {"list": list_url(job.learner), "add": add_url(job.learner)}.get(page) or page_url(
        job, f"{page}/" if page != "detail" else ""
    )
    assert "login" in client.get(url)["Location"]


@pytest.mark.parametrize("page", ["list", "add", "detail", "edit", "reject", "print", "pdf"])
def test_outsider_gets_404(as_user, outsider, job, page):
    url = {"list": list_url(job.learner), "add": add_url(job.learner)}.get(page) or page_url(
        job, f"{page}/" if page != "detail" else ""
    )
    assert as_user(outsider).get(url).status_code == 404


def test_a_learner_cannot_open_their_own_trackers(as_user, job):
    assert as_user(job.learner).get(list_url(job.learner)).status_code == 403


@pytest.mark.parametrize("page", ["list", "detail", "print"])
def test_any_administrator_who_sees_the_learner_reads_their_trackers(as_user, colleague, job, page):
    url = (
        list_url(job.learner)
        if page == "list"
        else page_url(job, "" if page == "detail" else "print/")
    )
    response = as_user(colleague).get(url)
    assert response.status_code == 200
    assert "Started as a junior developer" in response.content.decode()


@pytest.mark.parametrize("page", ["add", "edit"])
def test_without_create_trackers_adding_and_editing_is_403(as_user, colleague, job, page):
    url = add_url(job.learner, "job") if page == "add" else page_url(job, "edit/")
    assert as_user(colleague).get(url).status_code == 403
    assert as_user(colleague).post(url, {"description": "x"}).status_code == 403


def test_without_the_approval_role_approving_and_rejecting_are_403(
    as_user, raiser, learner, enrolment
):
    tracker = raise_tracker(
        learner,
        "hours-change",
        raiser,
        enrolment=enrolment,
        change={"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)},
    )
    client = as_user(raiser)
    assert (
        client.post(page_url(tracker, "approve/"), {"version": tracker.version}).status_code == 403
    )
    assert client.get(page_url(tracker, "reject/")).status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 30


def test_a_tracker_of_another_learner_is_404(as_user, raiser, job, tree):
    from tests.factories import UserFactory

    other = UserFactory(groups=[tree["cohort"]])
    assert as_user(raiser).get(f"/users/{other.pk}/trackers/{job.pk}/").status_code == 404


# --- Raising a tracker --------------------------------------------------------------------------


def test_add_without_a_type_offers_the_types(as_user, raiser, learner):
    response = as_user(raiser).get(add_url(learner))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Change of learner name" in body
    assert "Sustainab" not in body


def test_raising_a_job_tracker_with_a_new_organisation_and_evidence(
    as_user, raiser, approver, learner, enrolment
):
    pdf = SimpleUploadedFile("offer.pdf", pdf_bytes())
    response = as_user(raiser).post(
        add_url(learner, "job"),
        {
            "description": "Junior developer at Northwind",
            "assignee": approver.pk,
            "enrolment": enrolment.pk,
            "new_organisation_name": "Northwind Ltd",
            "new_organisation_owner": raiser.pk,
            "start_date": "2026-03-02",
            "contract_type": "PERMANENT",
            "weekly_hours": "37.5",
            "hourly_rate": "12.60",
            "risk_rating": "LOW",
            "evidence": pdf,
            "evidence_description": "Offer letter",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    tracker = Tracker.objects.get()
    assert tracker.organisation.name == "Northwind Ltd"
    assert tracker.organisation.owner == raiser
    assert tracker.assignee == approver
    assert tracker.created_by == raiser
    assert tracker.status == Tracker.Status.NEW
    assert tracker.documents.get().description == "Offer letter"
    assert AuditEntry.objects.filter(
        object_pk=str(tracker.pk), content_type__model="tracker"
    ).exists()


@pytest.mark.parametrize(
    ("code", "post", "field", "message"),
    [
        ("job", {"description": ""}, "description", "This field is required."),
        (
            "job",
            {"description": "x", "start_date": "2026-03-02"},
            "organisation",
            "needs the employer",
        ),
        (
            "job",
            {"description": "x", "new_organisation_name": "Acme", "start_date": "2026-03-02"},
            "new_organisation_owner",
            "needs its owner",
        ),
        (
            "education",
            {"description": "x", "start_date": "2026-03-02", "end_date": "2026-03-01"},
            "end_date",
            "cannot be before the start date",
        ),
        ("education", {"description": "x", "postcode": "NOT A CODE"}, "postcode", ""),
        (
            "name-change",
            {
                "description": "x",
                "change-first_name": "John",
                "change-last_name": "Smith",
                "change-evidence": "Deed poll",
            },
            "",
            "same as the learner",
        ),
        (
            "break",
            {"description": "x", "change-start_date": "2099-01-01", "change-reason": "Ill"},
            "change-start_date",
            "cannot be in the future",
        ),
        (
            "break",
            {
                "description": "x",
                "enrolment": "",
                "change-start_date": "2026-03-02",
                "change-reason": "Ill",
            },
            "enrolment",
            "is about a programme",
        ),
        (
            "return",
            {
                "description": "x",
                "change-return_date": "2026-04-06",
                "change-planned_end_date": "2026-04-01",
            },
            "change-planned_end_date",
            "after the return",
        ),
        (
            "hours-change",
            {"description": "x", "change-weekly_hours": "0", "change-effective_date": "2026-06-01"},
            "change-weekly_hours",
            "",
        ),
        ("contact-change", {"description": "x"}, "", "at least one new contact detail"),
        (
            "ilr",
            {"description": "x", "change-element": "Ethnicity", "change-value": "7"},
            "change-value",
            "",
        ),
    ],
)
def test_bad_input_shows_the_error_and_saves_nothing(
    as_user, raiser, learner, enrolment, code, post, field, message
):
    data = {"enrolment": enrolment.pk, **post}
    response = as_user(raiser).post(add_url(learner, code), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Error:" in body
    assert not Tracker.objects.exists()
    assert not Document.objects.exists()


def test_a_file_that_is_not_what_it_claims_is_refused(as_user, raiser, learner, enrolment):
    fake = SimpleUploadedFile("offer.pdf", b"MZ this is not a pdf")
    response = as_user(raiser).post(
        add_url(learner, "education"),
        {"description": "College place", "evidence": fake, "evidence_description": "Letter"},
    )
    assert response.status_code == 200
    assert not Tracker.objects.exists()
    assert not Document.objects.exists()


@pytest.fixture
def signed_paper(learner, enrolment):
    return ComplianceDocument.objects.create(
        learner=learner,
        enrolment=enrolment,
        document_type=kind(),
        number=1,
        status=ComplianceDocument.Status.SIGNED_PAPER,
        file="compliance/signed.pdf",
        original_name="signed.pdf",
        sha256="0" * 64,
    )


def test_rejecting_a_compliance_document_via_a_tracker(
    as_user, raiser, learner, enrolment, signed_paper
):
    document = signed_paper
    grant(raiser, "Compliance QA")
    page = as_user(raiser).get(reverse("compliance:document", args=[learner.pk, document.pk]))
    assert f"?type=compliance&amp;document={document.pk}" in page.content.decode()
    response = as_user(raiser).post(
        add_url(learner, "compliance") + f"&document={document.pk}",
        {"description": "Employer signature missing on page 2", "enrolment": enrolment.pk},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    tracker = Tracker.objects.get()
    assert tracker.compliance_document == document
    assert document.status == "REJECTED"
    assert f"Rejected via tracker {tracker.reference}" in document.rejection_reason


# --- Editing and the status transitions ---------------------------------------------------------


def edit_post(tracker, **changes):
    data = {
        "version": tracker.version,
        "status": tracker.status,
        "description": tracker.description,
        "enrolment": tracker.enrolment_id or "",
        "start_date": tracker.start_date.isoformat() if tracker.start_date else "",
        "organisation": tracker.organisation_id or "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("before", "after", "allowed"),
    [
        ("NEW", "IN_PROGRESS", True),
        ("NEW", "CLOSED", True),
        ("IN_PROGRESS", "CLOSED", True),
        ("CLOSED", "IN_PROGRESS", True),
        ("NEW", "APPROVED", False),
        ("NEW", "AWAITING_APPROVAL", False),  # an ordinary tracker has no approval step
        ("CLOSED", "NEW", False),
        ("IN_PROGRESS", "REJECTED", False),
    ],
)
def test_the_edit_form_follows_the_transitions_table(as_user, raiser, job, before, after, allowed):
    Tracker.objects.filter(pk=job.pk).update(status=before)
    job.refresh_from_db()
    response = as_user(raiser).post(page_url(job, "edit/"), edit_post(job, status=after))
    job.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert job.status == after
    else:
        assert response.status_code == 200
        assert job.status == before


def test_a_change_request_may_be_sent_for_approval(as_user, raiser, learner, enrolment):
    tracker = raise_tracker(
        learner,
        "hours-change",
        raiser,
        enrolment=enrolment,
        change={"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)},
    )
    data = edit_post(
        tracker,
        status="AWAITING_APPROVAL",
        **{"change-weekly_hours": "22", "change-effective_date": "2026-06-01"},
    )
    assert as_user(raiser).post(page_url(tracker, "edit/"), data).status_code == 302
    tracker.refresh_from_db()
    assert tracker.status == "AWAITING_APPROVAL"
    assert tracker.change_data["weekly_hours"] == "22"


def test_a_stale_edit_is_refused_with_who_changed_what(as_user, raiser, approver, job):
    stale = edit_post(job, description="Mine")
    as_user(approver).post(page_url(job, "edit/"), edit_post(job, description="Theirs"))
    response = as_user(raiser).post(page_url(job, "edit/"), stale)
    assert response.status_code == 409
    job.refresh_from_db()
    assert job.description == "Theirs"
    assert "Abi Approver" in response.content.decode()


# --- Approving and rejecting through the pages ---------------------------------------------------


@pytest.fixture
def hours_request(learner, enrolment, raiser):
    return raise_tracker(
        learner,
        "hours-change",
        raiser,
        enrolment=enrolment,
        change={"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)},
    )


def test_approving_applies_the_change(as_user, approver, hours_request, enrolment):
    response = as_user(approver).post(
        page_url(hours_request, "approve/"), {"version": hours_request.version}, follow=True
    )
    assert "approved and the change was applied" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 20


def test_the_creator_sees_no_approve_button_and_cannot_approve(
    as_user, raiser, hours_request, enrolment
):
    grant(raiser, "Approve Change Requests")
    client = as_user(raiser)
    assert "Approve and apply" not in client.get(page_url(hours_request)).content.decode()
    response = client.post(
        page_url(hours_request, "approve/"), {"version": hours_request.version}, follow=True
    )
    assert "someone else must approve" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 30


def test_approving_a_stale_page_applies_nothing(as_user, approver, hours_request, enrolment):
    response = as_user(approver).post(
        page_url(hours_request, "approve/"), {"version": hours_request.version - 1}
    )
    assert response.status_code == 409
    assert "Changed since you opened" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.weekly_hours == 30


def test_rejecting_without_a_reason_keeps_the_page_and_changes_nothing(
    as_user, approver, hours_request
):
    response = as_user(approver).post(
        page_url(hours_request, "reject/"), {"version": hours_request.version, "reason": "  "}
    )
    assert response.status_code == 200
    assert (
        "Give the reason" in response.content.decode()
        or "This field is required" in response.content.decode()
    )
    hours_request.refresh_from_db()
    assert hours_request.status == "NEW"


def test_rejecting_with_a_reason(as_user, approver, hours_request):
    response = as_user(approver).post(
        page_url(hours_request, "reject/"),
        {"version": hours_request.version, "reason": "No letter from the employer"},
    )
    assert response.status_code == 302
    hours_request.refresh_from_db()
    assert hours_request.status == "REJECTED"
    assert hours_request.rejection_reason == "No letter from the employer"


# --- Notes, print and PDF ------------------------------------------------------------------------


def test_adding_a_note(as_user, colleague, job):
    response = as_user(colleague).post(page_url(job, "notes/"), {"text": "Called the employer"})
    assert response.status_code == 302
    note = TrackerNote.objects.get()
    assert (note.tracker, note.created_by, note.learner) == (job, colleague, job.learner)


def test_an_empty_note_is_refused(as_user, colleague, job):
    response = as_user(colleague).post(page_url(job, "notes/"), {"text": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not TrackerNote.objects.exists()


def test_the_pdf_reads_back_with_the_trackers_details(as_user, colleague, job):
    response = as_user(colleague).get(page_url(job, "pdf/"))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert f"Tracker {job.reference}" in text
    assert "Started as a junior developer" in text
    assert "Sustainability assessment" in text


# --- The list ------------------------------------------------------------------------------------


def test_the_list_searches_filters_and_sorts(as_user, raiser, learner, enrolment):
    raise_tracker(learner, "education", raiser, description="College place in September")
    raise_tracker(learner, "apprenticeship", raiser, description="Apprenticeship with Acme")
    client = as_user(raiser)
    body = client.get(list_url(learner), {"q": "college"}).content.decode()
    assert "College place" in body
    assert "Acme" not in body
    body = client.get(
        list_url(learner), {"tracker_type": tracker_type("apprenticeship").pk}
    ).content.decode()
    assert "Acme" in body
    assert "College place" not in body
    body = client.get(list_url(learner), {"sort": "description"}).content.decode()
    assert body.index("Apprenticeship with Acme") < body.index("College place")
    body = client.get(list_url(learner), {"q": "nothing like it"}).content.decode()
    assert "trackers match these filters" in body


def test_the_list_shows_ten_a_page_newest_first(as_user, raiser, learner):
    for number in range(12):
        raise_tracker(learner, "education", raiser, description=f"Tracker number {number:02}")
    body = as_user(raiser).get(list_url(learner)).content.decode()
    assert "Tracker number 11" in body
    assert "Tracker number 02" in body
    assert "Tracker number 01" not in body
    assert body.index("Tracker number 11") < body.index("Tracker number 10")


def test_an_empty_list_says_so(as_user, raiser, learner):
    assert "No trackers yet." in as_user(raiser).get(list_url(learner)).content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_list_runs_a_fixed_number_of_queries(
    as_user, raiser, learner, enrolment, count, django_assert_max_num_queries
):
    for number in range(count):
        raise_tracker(learner, "education", raiser, enrolment=enrolment, description=f"T{number}")
    client = as_user(raiser)
    client.get(list_url(learner))
    with django_assert_max_num_queries(12):
        assert client.get(list_url(learner)).status_code == 200


# The history resolves the records its entries name one query per kind of record, so the
# count is fixed once the tracker has a note: 1 and 10 notes cost the same.
@pytest.mark.parametrize("notes", [1, 10])
def test_a_trackers_page_runs_a_fixed_number_of_queries(
    as_user, raiser, job, notes, django_assert_max_num_queries
):
    for number in range(notes):
        TrackerNote.objects.create(learner=job.learner, tracker=job, text=f"n{number}")
    client = as_user(raiser)
    client.get(page_url(job))
    with django_assert_max_num_queries(18):
        assert client.get(page_url(job)).status_code == 200


def test_an_enrolment_of_another_learner_cannot_be_chosen(as_user, raiser, learner, tree):
    from tests.factories import EnrolmentFactory, UserFactory

    other = EnrolmentFactory(learner=UserFactory(groups=[tree["cohort"]]))
    response = as_user(raiser).post(
        add_url(learner, "education"), {"description": "x", "enrolment": other.pk}
    )
    assert response.status_code == 200
    assert not Tracker.objects.exists()
    assert Enrolment.objects.count() == 1


def test_rejecting_via_a_tracker_needs_compliance_qa(as_user, raiser, learner, signed_paper):
    url = add_url(learner, "compliance") + f"&document={signed_paper.pk}"
    assert as_user(raiser).post(url, {"description": "x"}).status_code == 403
    signed_paper.refresh_from_db()
    assert signed_paper.status == ComplianceDocument.Status.SIGNED_PAPER
    assert not Tracker.objects.exists()


def test_a_locked_ilr_field_offers_an_ilr_change_request(as_user, raiser, learner, ilr):
    from programmes.ilr import services as ilr_services

    ilr_services.ilr_qa_verify(ilr=ilr, based_on_version=ilr.version, actor=raiser)
    grant(raiser, "Manage ILRs")
    body = as_user(raiser).get(reverse("ilr:edit", args=[learner.pk, "user"])).content.decode()
    assert f"/users/{learner.pk}/trackers/add/?type=ilr" in body
    assert "raise an ILR change request" in body


def test_locked_names_offer_a_change_of_learner_name(as_user, raiser, learner, ilr):
    from programmes.ilr import services as ilr_services

    ilr_services.ilr_qa_verify(ilr=ilr, based_on_version=ilr.version, actor=raiser)
    body = as_user(raiser).get(f"/users/{learner.pk}/edit/").content.decode()
    assert f"/users/{learner.pk}/trackers/add/?type=name-change" in body
    assert "raise a change of learner name" in body


def test_a_bad_edit_shows_the_error_and_changes_nothing(as_user, raiser, job):
    response = as_user(raiser).post(
        page_url(job, "edit/"), edit_post(job, description="", hourly_rate="-3")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert "The hourly rate must be more than £0." in body
    job.refresh_from_db()
    assert job.description == "Started as a junior developer"
    assert job.version == 1


def test_a_provider_defined_type_is_offered_and_used(as_user, supervisor, raiser, learner):
    from trackers.models import TrackerType

    supervisor.is_staff = supervisor.is_superuser = True
    supervisor.save()
    as_user(supervisor).post(
        "/admin/trackers/trackertype/add/",
        {"name": "Work experience", "outcome": "", "change": "", "is_active": "on", "order": 5},
    )
    custom = TrackerType.objects.get(name="Work experience")
    assert "Work experience" in as_user(raiser).get(add_url(learner)).content.decode()
    response = as_user(raiser).post(add_url(learner, custom.pk), {"description": "Two weeks"})
    assert response.status_code == 302
    assert Tracker.objects.get().tracker_type == custom
