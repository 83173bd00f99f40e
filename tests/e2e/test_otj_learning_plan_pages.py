"""The learning plan tabs and the onboarding wizard pass axe and work without JavaScript."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import EnrolmentFactory, ProgrammeComponentFactory

from .helpers import check_accessibility, visit


def test_the_learning_plan_tabs_and_the_wizard_are_accessible(page, sign_in, supervisor, learner):
    start = timezone.localdate() - datetime.timedelta(days=91)
    enrolment = EnrolmentFactory(
        learner=learner, start_date=start, planned_end_date=start + datetime.timedelta(days=364)
    )
    ProgrammeComponentFactory(programme=enrolment.programme, code="K1", title="Data structures")
    sign_in(supervisor)
    for tab in ("programme", "course", "certification", "evidence"):
        visit(page, f"/users/{learner.pk}/learning-plan/?tab={tab}")
        tabs = page.get_by_role("navigation", name="Learning plan tabs")
        expect(tabs.get_by_role("link", name=tab.capitalize(), exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    visit(page, f"/users/{learner.pk}/learning-plan/?tab=course")
    expect(page.locator("main table")).to_contain_text("Data structures")
    page.get_by_role("link", name="Edit K1").click()
    page.get_by_label("Status").select_option(label="Completed")
    page.get_by_label("Completed on").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main table")).to_contain_text("Completed")
    visit(page, f"/users/{learner.pk}/learning-plan/")
    expect(page.get_by_role("progressbar", name="Actual progress")).to_have_attribute(
        "aria-valuenow", "100"
    )

    for path in (
        "learning-plan/certifications/add/",
        "learning-plan/evidence/add/",
        "learning-plan/components/add/",
    ):
        visit(page, f"/users/{learner.pk}/{path}")
    # Without an ILR the fill action explains why it cannot run.
    visit(page, f"/users/{learner.pk}/otj/fill-ilr/")
    expect(page.get_by_role("alert")).to_contain_text("has no 2025-26 ILR yet")

    visit(page, f"/users/{learner.pk}/wizard/")
    page.get_by_role("link", name="Start the wizard").click()
    check_accessibility(page)
    page.get_by_label(re.compile("were explained to the learner")).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Advice")
    check_accessibility(page)
    page.get_by_role("link", name="Leave and resume later").click()
    expect(page.get_by_role("link", name="Continue with Advice")).to_be_visible()
    page.get_by_role("link", name="Continue with Advice").click()
    page.get_by_role("link", name="Personal information").click()
    check_accessibility(page)
