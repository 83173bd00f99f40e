import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from programmes.models import Milestone
from tests.factories import MilestoneFactory


def url(learner, action="", milestone=None):
    base = f"/users/{learner.pk}/milestones/"
    if milestone is not None:
        base += f"{milestone.pk}/"
    return base + (f"{action}/" if action else "")


def good(enrolment, **overrides) -> dict:
    data = {
        "enrolment": enrolment.pk,
        "description": "Milestone 1",
        "date": "2026-06-01",
        "employer_weeks_remaining": "20",
        "status": "PROJECTED",
        "claim_status": "NOT_CLAIMED",
    }
    data.update(overrides)
    return data


@pytest.fixture
def milestone(learner, enrolment):
    return MilestoneFactory(learner=learner, enrolment=enrolment)


PAGES = ["", "add"]
RECORD_PAGES = ["", "edit", "delete"]


@pytest.mark.parametrize("action", PAGES)
def test_anonymous_is_sent_to_login(client, learner, action):
    response = client.get(url(learner, action))
    assert response.status_code == 302
    assert response.url.startswith("/login/")


@pytest.mark.parametrize("action", RECORD_PAGES)
def test_outsider_gets_404_for_every_milestone_page(as_user, outsider, learner, milestone, action):
    assert as_user(outsider).get(url(learner, action, milestone)).status_code == 404
    assert as_user(outsider).get(url(learner)).status_code == 404


@pytest.mark.parametrize("who", ["colleague", "tutor"])
def test_only_supervisors_may_add_edit_or_delete(request, as_user, learner, milestone, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get(url(learner)).status_code == 200
    assert client.get(url(learner, "", milestone)).status_code == 200
    assert client.get(url(learner, "add")).status_code == 403
    assert client.post(url(learner, "edit", milestone), {}).status_code == 403
    assert client.post(url(learner, "delete", milestone)).status_code == 403
    assert Milestone.objects.filter(pk=milestone.pk).exists()


def test_a_milestone_of_another_learner_is_404(as_user, supervisor, learner, milestone, tree):
    other = MilestoneFactory(learner__groups=[tree["cohort"]])
    assert as_user(supervisor).get(url(learner, "edit", other)).status_code == 404


def test_supervisor_adds_a_milestone_and_it_is_audited(as_user, supervisor, learner, enrolment):
    response = as_user(supervisor).post(url(learner, "add"), good(enrolment))
    assert response.status_code == 302
    assert response.url == f"/users/{learner.pk}/#milestones"
    milestone = Milestone.objects.get()
    assert milestone.learner == learner
    assert milestone.created_by == supervisor
    entry = AuditEntry.objects.get(object_id=milestone.pk, content_type__model="milestone")
    assert entry.learner_id == learner.pk
    assert entry.actor == supervisor


BAD = [
    ({"employer_weeks_remaining": "600"}, "Employer weeks remaining must be between 0 and 520."),
    ({"employer_weeks_remaining": "-1"}, "Employer weeks remaining must be between 0 and 520."),
    ({"description": ""}, "This field is required."),
    ({"date": "2025-12-31"}, "The date cannot be before the programme started on 05/01/2026."),
    ({"date": "31/31/2026"}, "Enter a valid date."),
    ({"status": "ACHIEVED"}, "Enter the date the milestone was achieved"),
    (
        {"status": "ACHIEVED", "achievement_date": "2025-12-01"},
        "The achievement date cannot be before the programme started on 05/01/2026.",
    ),
    (
        {"status": "VERIFIED", "achievement_date": "2026-12-25"},
        "The achievement date cannot be in the future.",
    ),
    ({"achievement_date": "2026-05-01"}, "Leave this empty unless the milestone is Achieved"),
    ({"claim_status": "CLAIMED"}, "A milestone can only be claimed once it is Achieved"),
    (
        {"status": "ACHIEVED", "achievement_date": "2026-05-01", "claim_status": "PAID"},
        "Enter the date the claim was paid.",
    ),
    (
        {
            "status": "ACHIEVED",
            "achievement_date": "2026-05-01",
            "claim_status": "REFUNDED",
            "paid_date": "2026-06-01",
        },
        "Enter the date the payment was refunded.",
    ),
    ({"payment_amount": "-5"}, "The payment amount cannot be negative."),
    ({"debit_amount": "-0.01"}, "The refunded amount cannot be negative."),
    ({"payment_amount": "99999999999"}, "Ensure that there are no more than 9 digits in total."),
    ({"status": "NOPE"}, "Select a valid choice."),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_input_is_refused_and_nothing_is_saved(
    as_user, supervisor, learner, enrolment, change, message
):
    data = good(enrolment, **change)
    response = as_user(supervisor).post(url(learner, "add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Milestone.objects.exists()
    # What was typed is kept.
    assert f'value="{data["description"]}"' in response.content.decode() or not data["description"]


def test_enrolment_of_another_learner_is_refused(as_user, supervisor, learner, tree):
    from tests.factories import EnrolmentFactory

    other = EnrolmentFactory(learner__groups=[tree["cohort"]])
    response = as_user(supervisor).post(url(learner, "add"), good(other))
    assert "Select a valid choice." in response.content.decode()
    assert not Milestone.objects.exists()


def test_edit_saves_bumps_the_version_and_shows_the_change_history(
    as_user, supervisor, learner, milestone
):
    client = as_user(supervisor)
    data = good(
        milestone.enrolment,
        status="ACHIEVED",
        achievement_date="2026-05-20",
        claim_status="PAID",
        paid_date="2026-06-10",
        payment_amount="1500.00",
        version=1,
    )
    assert client.post(url(learner, "edit", milestone), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.ACHIEVED
    assert milestone.payment_amount == Decimal("1500.00")
    assert milestone.version == 2
    entry = AuditEntry.objects.filter(object_id=milestone.pk).latest("pk")
    assert entry.changes_dict["status"] == ["PROJECTED", "ACHIEVED"]
    body = client.get(url(learner, "", milestone)).content.decode()
    assert "Status: Projected → Achieved" in body
    assert "Claim status: Not claimed → Paid" in body
    assert "Sam Supervisor" in body


def test_a_stale_edit_is_refused_naming_the_change_and_keeping_the_input(
    as_user, supervisor, learner, milestone
):
    client = as_user(supervisor)
    client.post(
        url(learner, "edit", milestone),
        good(milestone.enrolment, description="Renamed", version=1),
    )
    response = client.post(
        url(learner, "edit", milestone),
        good(milestone.enrolment, description="Mine", employer_weeks_remaining="3", version=1),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this milestone" in body
    assert f"Description: {milestone.description} → Renamed" in body
    assert 'value="Mine"' in body
    milestone.refresh_from_db()
    assert milestone.description == "Renamed"


def test_delete_removes_the_milestone_and_is_audited(as_user, supervisor, learner, milestone):
    client = as_user(supervisor)
    assert "Delete the milestone" in client.get(url(learner, "delete", milestone)).content.decode()
    assert client.post(url(learner, "delete", milestone), {"version": 1}).status_code == 302
    assert not Milestone.objects.exists()
    entry = AuditEntry.objects.filter(object_id=milestone.pk).latest("pk")
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.learner_id == learner.pk


def test_list_filters_by_status_and_claim_status(as_user, colleague, learner, enrolment):
    MilestoneFactory(learner=learner, enrolment=enrolment, description="Projected one")
    MilestoneFactory(
        learner=learner,
        enrolment=enrolment,
        description="Paid one",
        status="ACHIEVED",
        achievement_date=datetime.date(2026, 5, 1),
        claim_status="PAID",
        paid_date=datetime.date(2026, 6, 1),
    )
    MilestoneFactory(learner=learner, enrolment=enrolment, description="Gone", status="INVALID")
    client = as_user(colleague)
    body = client.get(url(learner), {"status": ["ACHIEVED", "INVALID"]}).content.decode()
    assert "Paid one" in body
    assert "Gone" in body
    assert "Projected one" not in body
    body = client.get(url(learner), {"claim_status": "PAID"}).content.decode()
    assert "Paid one" in body
    assert "Gone" not in body
    body = client.get(url(learner), {"claim_status": "ON_HOLD"}).content.decode()
    assert "0</strong> milestones match these filters." in body
    assert client.get(url(learner), {"status": "BAD"}).status_code == 200


def test_list_is_paginated_keeping_the_filter(as_user, colleague, learner, enrolment):
    MilestoneFactory.create_batch(30, learner=learner, enrolment=enrolment)
    body = as_user(colleague).get(url(learner), {"status": "PROJECTED"}).content.decode()
    assert "Showing 1 to 25" in body
    assert "?status=PROJECTED&amp;page=2" in body


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_detail_run_a_fixed_number_of_queries(as_user, supervisor, learner, enrolment):
    client = as_user(supervisor)
    first = MilestoneFactory(learner=learner, enrolment=enrolment)
    client.post(url(learner, "edit", first), good(enrolment, description="Changed", version=1))
    small = (_queries(client, url(learner)), _queries(client, url(learner, "", first)))
    MilestoneFactory.create_batch(12, learner=learner, enrolment=enrolment)
    for n in range(2, 6):
        client.post(url(learner, "edit", first), good(enrolment, description=f"C{n}", version=n))
    assert (_queries(client, url(learner)), _queries(client, url(learner, "", first))) == small
