"""A Change of learner name on a QA-verified learner, raised in the profile's dialog by one
administrator and approved by another: the new surname is on the profile, in the still-verified
ILR and in the audit trail, which names the tracker."""

import datetime
import re

from django.contrib.auth.models import Group as Role
from playwright.sync_api import expect

from programmes.ilr import services as ilr_services
from programmes.ilr.models import IlrLearner
from tests.factories import AdminFactory, EnrolmentFactory, ProgrammeFactory, make_ilr
from trackers.models import Tracker

from .helpers import check_accessibility, screenshot, visit


def test_a_change_of_name_is_raised_approved_and_applied_to_a_locked_ilr(
    page, sign_in, tree, tutor, supervisor, learner
):
    tutor.roles.add(Role.objects.get(name="Create Trackers"))
    approver = AdminFactory(
        first_name="Abi",
        last_name="Approver",
        email="approver@example.org",
        groups=[tree["north"]],
        roles=["Standard administrator", "Approve Change Requests"],
    )
    EnrolmentFactory(
        learner=learner,
        programme=ProgrammeFactory(is_apprenticeship=True, standard_code=91),
        is_current=True,
        start_date=datetime.date(2025, 9, 1),
    )
    ilr = make_ilr(learner, FamilyName="Smith", GivenNames="John")
    ilr_services.ilr_qa_verify(ilr=ilr, based_on_version=ilr.version, actor=supervisor)

    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/edit/")
    # The locked surname offers the sanctioned way to change it.
    page.get_by_role("link", name="raise a change of learner name").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a tracker for John Smith")

    visit(page, f"/users/{learner.pk}/")
    page.get_by_role("link", name="Add a tracker").click()
    dialog = page.locator("#portal-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Type").select_option(label="Change of learner name")
    dialog.get_by_role("button", name="Next").click()
    dialog.get_by_label("New first name").fill("John")
    dialog.get_by_label("New surname").fill("Jones")
    dialog.get_by_label("Evidence seen").fill("Marriage certificate")
    dialog.get_by_label("Description").fill("Married in May; certificate seen")
    dialog.get_by_label("Assignee").select_option(label="Abi Approver")
    check_accessibility(page)
    dialog.get_by_role("button", name="Raise tracker").click()
    expect(
        page.get_by_text(re.compile(r"Tracker T\d+ \(Change of learner name\) was raised"))
    ).to_be_visible()
    tracker = Tracker.objects.get()
    assert tracker.change_data["last_name"] == "Jones"

    page.context.clear_cookies()
    sign_in(approver)
    visit(page, "/trackers/")
    page.get_by_role("link", name=f"Open tracker {tracker.reference}").click()
    expect(page.get_by_text("New surname")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "tracker-awaiting-approval")
    page.get_by_role("button", name="Approve and apply").click()
    expect(page.get_by_text("was approved and the change was applied")).to_be_visible()

    visit(page, f"/users/{learner.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("John Jones")
    visit(page, f"/users/{learner.pk}/ilr/")
    expect(page.get_by_text("Jones").first).to_be_visible()
    ilr.refresh_from_db()
    assert (ilr.family_name, ilr.episode_status) == ("Jones", IlrLearner.EpisodeStatus.QA_VERIFIED)
    visit(page, f"/audit/users/{learner.pk}/")
    expect(
        page.get_by_text(f"Tracker {tracker.reference} (Change of learner name) approved").first
    ).to_be_visible()
    screenshot(page, "tracker-audit-trail")
