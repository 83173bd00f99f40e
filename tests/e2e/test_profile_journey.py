"""The profile in a real browser: add a note, cancel and reinstate, then read the audit trail."""

import re

from playwright.sync_api import expect

from .helpers import check_accessibility, screenshot, visit


def test_note_cancel_and_reinstate_all_appear_in_the_audit_trail(page, sign_in, tutor, learner):
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")

    # With JavaScript on, Add note opens its form in a modal dialog.
    page.locator("section#notes").get_by_role("link", name="Add note").click()
    dialog = page.get_by_role("dialog", name="Add a note on John Smith")
    note_box = dialog.get_by_role("textbox")
    expect(note_box).to_be_focused()
    check_accessibility(page)
    note_box.fill("Discussed the end-point assessment plan.")
    dialog.get_by_role("button", name=re.compile("Save|Add")).click()
    expect(page.locator("section#notes table")).to_contain_text(
        "Discussed the end-point assessment plan."
    )
    check_accessibility(page)

    # Cancel user asks for the reason in a dialog; Escape closes it without a change.
    subscription = page.locator("section#subscription")
    subscription.get_by_role("link", name="Cancel user").click()
    dialog = page.get_by_role("dialog", name="Cancel John Smith?")
    expect(dialog.get_by_label("Reason for cancelling")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    subscription.get_by_role("link", name="Cancel user").click()
    check_accessibility(page)
    dialog.get_by_label("Reason for cancelling").fill("Left the employer")
    dialog.get_by_role("button", name="Cancel user").click()
    expect(page.get_by_role("status").or_(page.locator(".alert-success")).first).to_contain_text(
        "subscription was cancelled"
    )
    expect(page.locator("section#subscription")).to_contain_text("Cancelled")
    check_accessibility(page)

    page.locator("section#subscription").get_by_role("link", name="Reinstate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reinstate John Smith?")
    check_accessibility(page)
    page.get_by_label("Reason for reinstating").fill("Back with the employer")
    page.get_by_role("button", name="Reinstate").click()
    expect(page.locator("section#subscription")).to_contain_text("Full user")

    page.locator("section#audit").get_by_role("link", name=re.compile("full audit trail")).click()
    expect(page).to_have_url(re.compile(rf"/audit/users/{learner.pk}/"))
    check_accessibility(page)
    trail = page.locator("main table")
    expect(trail).to_contain_text("Discussed the end-point assessment plan.")
    expect(trail).to_contain_text("Left the employer")
    # Each change reads "old → new" (with "changed to" for screen readers).
    expect(trail).to_contain_text(re.compile(r"Status: Full user\s*→[^:]*Cancelled"))
    expect(trail).to_contain_text(re.compile(r"Status: Cancelled\s*→[^:]*Full user"))
    expect(trail).to_contain_text("Tara Tutor")
    screenshot(page, "audit-trail")
