"""A learner who signs in through the real form lands on their own page, not on a 403."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, EnrolmentFactory

from .helpers import check_accessibility, screenshot, visit


def test_a_learner_signs_in_and_lands_on_their_own_page(page, learner):
    EnrolmentFactory(learner=learner, programme__name="Data Analyst Level 4")
    page.set_viewport_size({"width": 1366, "height": 768})
    visit(page, "/login/")
    page.get_by_label("Email").fill(learner.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/me/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    expect(page.get_by_role("row", name=re.compile("Data Analyst Level 4"))).to_contain_text(
        "Active"
    )
    expect(page.get_by_text("Nothing waiting for you.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "learner-own-page")
