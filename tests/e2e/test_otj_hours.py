"""Off-the-job hours in a real browser: log hours, see the totals and the behind-plan warning
change on the ledger and on the profile, refuse absurd hours, verify an entry."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import EnrolmentFactory

from .helpers import check_accessibility, screenshot, visit


def test_logging_hours_changes_the_totals_and_clears_the_warning(
    page, sign_in, supervisor, learner
):
    # Eight weeks into a 52-week programme with 520 planned hours: the plan expected 40 hours
    # four weeks ago and 80 today, so with nothing logged the learner is behind.
    start = timezone.localdate() - datetime.timedelta(days=56)
    EnrolmentFactory(
        learner=learner,
        programme__name="Data Analyst L4",
        programme__planned_otj_hours=520,
        start_date=start,
        planned_end_date=start + datetime.timedelta(days=364),
        weekly_hours=Decimal("30"),
    )
    sign_in(supervisor)
    visit(page, f"/users/{learner.pk}/")
    section = page.locator("section#programmes")
    expect(section.get_by_role("alert")).to_contain_text("more than 4 weeks behind plan")

    section.get_by_role("link", name="Off-the-job hours ledger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Off-the-job hours: John Smith")
    check_accessibility(page)
    totals = page.locator(".otj-totals")
    expect(totals.locator("[data-otj=planned]")).to_have_text("520")
    expect(totals.locator("[data-otj=logged]")).to_have_text("0")
    expect(totals.locator("[data-otj=expected]")).to_contain_text("80.0")
    expect(page.get_by_role("alert")).to_contain_text("more than 4 weeks behind plan")

    # Absurd hours are refused beside the field and what was typed is kept.
    page.get_by_role("link", name="Log hours").click()
    check_accessibility(page)
    day = (start + datetime.timedelta(days=7)).isoformat()
    page.get_by_label("Date").fill(day)
    page.get_by_label("Hours").fill("30")
    page.get_by_label("Activity").select_option(label="Online learning")
    page.get_by_label("Description").fill("SQL course, week 1")
    page.get_by_role("button", name="Log hours").click()
    expect(page.locator("#error_1_id_hours, .invalid-feedback").first).to_contain_text(
        "cannot be more than 24 hours"
    )
    expect(page.get_by_label("Description")).to_have_value("SQL course, week 1")
    check_accessibility(page)

    page.get_by_label("Hours").fill("24")
    page.get_by_role("button", name="Log hours").click()
    expect(page).to_have_url(re.compile(rf"/users/{learner.pk}/otj/$"))
    expect(totals.locator("[data-otj=logged]")).to_have_text("24")
    expect(page.get_by_role("alert")).to_contain_text("more than 4 weeks behind plan")

    # 16 more hours reach the 40 expected four weeks ago: no longer more than 4 weeks behind.
    page.get_by_role("link", name="Log hours").click()
    page.get_by_label("Date").fill((start + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Hours").fill("16")
    page.get_by_label("Activity").select_option(label="Online learning")
    page.get_by_label("Description").fill("SQL course, week 2")
    page.get_by_role("button", name="Log hours").click()
    expect(totals.locator("[data-otj=logged]")).to_have_text("40")
    expect(page.get_by_text("Warning: more than 4 weeks behind plan.")).to_have_count(0)
    expect(totals.locator("[data-otj=verified]")).to_have_text("0")

    page.get_by_role("button", name=re.compile(r"Verify entry of")).first.click()
    expect(totals.locator("[data-otj=verified]")).to_have_text("16")
    check_accessibility(page)
    screenshot(page, "otj-ledger")

    visit(page, f"/users/{learner.pk}/")
    section = page.locator("section#programmes")
    expect(section.locator("[data-otj=logged]")).to_have_text("40")
    expect(section.locator("[data-otj=verified]")).to_have_text("16")
    expect(section.get_by_text("Warning: more than 4 weeks behind plan.")).to_have_count(0)
