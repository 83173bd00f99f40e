"""What a new administrator sees (issue 11, point 8): the wizard's Assessments step saves into
Functional Skills, and a programme without components says so instead of "weeks behind"."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import EnrolmentFactory

from .helpers import check_accessibility, visit


def test_the_assessments_step_fills_functional_skills_and_no_components_is_explained(
    page, sign_in, supervisor, learner
):
    start = timezone.localdate() - datetime.timedelta(days=200)
    EnrolmentFactory(
        learner=learner, start_date=start, planned_end_date=start + datetime.timedelta(days=364)
    )
    sign_in(supervisor)
    visit(page, f"/users/{learner.pk}/")
    plan = page.locator(".learning-plan-summary")
    expect(plan).to_contain_text("This programme has no components yet; progress can't be measured")
    expect(plan.get_by_role("link", name="Manage programmes")).to_be_visible()
    expect(plan).not_to_contain_text("weeks behind")

    visit(page, f"/users/{learner.pk}/wizard/assessments/")
    page.get_by_label("Assessed on").fill((start - datetime.timedelta(days=7)).isoformat())
    # The viewer is offered as the assessor; an external tool did this assessment.
    page.get_by_label("Assessor", exact=True).select_option(label="Not an administrator")
    page.get_by_label("External assessor").fill("BKSB online assessment")
    for subject, level, score in (("English", "Level 2", "78"), ("Maths", "Level 1", "55")):
        page.get_by_label(f"{subject} level").select_option(label=level)
        page.get_by_label(f"{subject} score (%)").fill(score)
    page.get_by_label("Digital (ICT) level").select_option(label="Entry 3")
    page.get_by_label("Digital (ICT) result").select_option(label="Working at this level")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Personal information")

    visit(page, f"/users/{learner.pk}/functional-skills/")
    expect(page.locator("main")).to_contain_text("78 %")
    visit(page, f"/users/{learner.pk}/wizard/assessments/")
    expect(page.get_by_role("table", name="Already recorded in Functional Skills")).to_contain_text(
        "Level 2"
    )
    expect(page.get_by_label("English score (%)")).to_have_value("78")
    check_accessibility(page)
