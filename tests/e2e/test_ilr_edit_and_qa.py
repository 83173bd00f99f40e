"""The ILR in a real browser: a ULN_04 error beside the field, fixed, QA verified, then locked."""

import re

from playwright.sync_api import expect

from tests.factories import AdminFactory, make_ilr

from .helpers import check_accessibility, screenshot, visit


def test_invalid_uln_is_explained_corrected_verified_and_the_surname_locked(
    page, sign_in, tree, learner
):
    make_ilr(learner)
    qa = AdminFactory(
        first_name="Quinn",
        last_name="Checker",
        groups=[tree["north"]],
        roles=["Standard administrator", "Manage ILRs", "ILR QA", "Edit Learner Details"],
    )
    ilr_manager = AdminFactory(
        first_name="Ed",
        last_name="Editor",
        groups=[tree["north"]],
        roles=["Standard administrator", "Manage ILRs", "Edit Learner Details"],
    )
    sign_in(qa)
    visit(page, f"/users/{learner.pk}/")
    page.locator("section#programmes").get_by_role("link", name=re.compile("Open the ILR")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ILR 2025-26")
    check_accessibility(page)
    page.get_by_role("link", name="Edit User tab").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit ILR: User tab")
    check_accessibility(page)

    uln = page.get_by_label("Unique Learner Number (ULN)")
    uln.fill("1000000042")
    page.get_by_role("button", name="Save changes").click()
    beside = page.locator("div:has(> #id_uln)")
    expect(beside).to_contain_text("ULN_04")
    expect(page.locator("#error-summary")).to_contain_text("Nothing has been saved yet.")
    check_accessibility(page)
    screenshot(page, "ilr-uln-04")

    page.get_by_label("Unique Learner Number (ULN)").fill("1000000043")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("were saved")
    check_accessibility(page)

    page.get_by_role("button", name="QA verify").click()
    expect(page.locator(".messages")).to_contain_text("QA verified")
    expect(page.locator("main .badge").first).to_have_text("QA verified")
    check_accessibility(page)
    page.get_by_role("link", name="Admin", exact=True).click()
    expect(page.get_by_role("heading", name="Aims, financial records and funding")).to_be_visible()
    expect(page.locator("main")).to_contain_text("TNP1: Total training price")
    check_accessibility(page)
    screenshot(page, "ilr-admin-tab")

    page.context.clear_cookies()
    sign_in(ilr_manager)
    visit(page, f"/users/{learner.pk}/edit/")
    surname = page.get_by_label("Surname")
    expect(surname).to_be_disabled()
    expect(page.locator("div:has(> #id_last_name)")).to_contain_text(
        "Locked because the ILR was QA verified on"
    )
    expect(page.locator("div:has(> #id_last_name)")).to_contain_text(
        "Someone with the ILR QA role can change it; or"
    )
    visit(page, f"/users/{learner.pk}/ilr/edit/user/")
    expect(page.get_by_label("Family name (FamilyName)")).to_be_disabled()
    expect(page.get_by_role("button", name="Save changes")).to_have_count(0)
    screenshot(page, "ilr-locked")
