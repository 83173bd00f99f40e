"""CRM activities in a real browser: log one from the profile's dialog, find it on the learner's
Activities page by its date, and export it as CSV."""

import csv
import datetime
import io
from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from crm.models import CrmActivity

from .helpers import check_accessibility, screenshot, visit


def test_log_an_activity_find_it_by_its_date_and_export_it(page, sign_in, tutor, learner):
    day = timezone.localdate() - datetime.timedelta(days=3)
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/")
    section = page.locator("#crm-activities")
    expect(section).to_contain_text("No activities logged yet.")

    section.get_by_role("link", name="Log activity").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Log an activity with John Smith")
    dialog.get_by_label("Type").select_option(label="Visit")
    dialog.get_by_label("Direction").select_option(label="Outbound (we contacted them)")
    dialog.locator("[name=occurred_on]").fill(day.isoformat())
    dialog.get_by_label("Time").fill("15:45")
    dialog.get_by_label("Duration (minutes)").fill("50")
    dialog.get_by_label("Subject").fill("=Workplace visit")
    dialog.get_by_label("Outcome").fill("Employer happy with progress")
    check_accessibility(page)
    screenshot(page, "crm-activity-log")
    dialog.get_by_role("button", name="Log activity").click()
    expect(page.get_by_text("The activity “=Workplace visit” was logged.")).to_be_visible()
    expect(page.locator("#crm-activities")).to_contain_text("=Workplace visit")
    activity = CrmActivity.objects.get()
    assert activity.created_by == tutor
    assert timezone.localtime(activity.occurred_at).date() == day

    # Another activity on another day, so the search by day has something to leave out.
    visit(page, f"/users/{learner.pk}/activities/")
    page.get_by_label("On the day").fill((day - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("0 activities match these filters.")).to_be_visible()
    page.get_by_label("On the day").fill(day.isoformat())
    page.get_by_role("button", name="Search").click()
    table = page.get_by_role("table", name="Activities")
    expect(table).to_contain_text("=Workplace visit")
    expect(table).to_contain_text(f"{day:%d/%m/%Y} 15:45")
    check_accessibility(page)
    screenshot(page, "crm-activity-found")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export CSV (1 activity)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"crm-activities-{learner.pk}-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text())))
    assert rows[0][:4] == ["Date and time", "Learner", "Reference", "Type"]
    assert rows[1][0] == f"{day:%d/%m/%Y} 15:45"
    assert rows[1][1] == "John Smith"
    assert rows[1][3] == "Visit"
    # A subject starting with "=" is written so that no spreadsheet runs it as a formula.
    assert rows[1][7] == "'=Workplace visit"
    assert rows[1][10] == "50"
    assert rows[-1] == ["# 1 row"]
