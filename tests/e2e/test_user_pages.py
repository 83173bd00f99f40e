"""The details page and the create, edit and cancel forms, checked with axe and screenshotted."""

import re

from playwright.sync_api import expect

from users.models import User

from .helpers import check_accessibility, screenshot, visit


def test_details_page_shows_the_learner_and_leads_to_the_edit_form(page, sign_in, tutor, learner):
    learner.address_line_1 = "1 Park Row"
    learner.town = "Leeds"
    learner.postcode = "ls1 5ab"
    learner.save()
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    address = page.locator("dt:has-text('Address') + dd")
    assert address.inner_text().splitlines() == ["1 Park Row", "Leeds", "LS1 5AB"]
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Users")
    expect(page.get_by_role("heading", level=2)).to_have_text(
        [
            "Details",
            "Groups and people",
            "Activity summary (last 30 days)",
            "Programme",
            "Functional Skills",
            "Reviews",
            "Tracker",
            "Milestones",
            "Notes",
            "Course progress",
            "Contacts",
            "Activities",
            "Compliance documents",
            "Review documents",
            "Documents",
            "Subscription details",
            "Audit trail",
        ]
    )
    screenshot(page, "user-details")

    page.get_by_role("link", name="Edit user's details").click()
    expect(page).to_have_url(re.compile(rf"/users/{learner.pk}/edit/$"))
    check_accessibility(page)
    first_name = page.get_by_role("textbox", name="First name")
    expect(first_name).to_have_value("John")
    expect(page.get_by_role("checkbox", name="Leeds cohort")).to_be_checked()

    first_name.fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("First name: This field is required.")
    check_accessibility(page)
    screenshot(page, "user-edit-errors")

    first_name.fill("Jon")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Your changes to Jon Smith were saved.")
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Jon Smith")


def test_create_form_reports_errors_then_creates_the_learner(page, sign_in, tutor):
    sign_in(tutor)
    visit(page, "/users/")
    page.get_by_role("button", name="Create").click()
    page.get_by_role("link", name="User", exact=True).click()
    expect(page).to_have_url(re.compile(r"/users/create/user/$"))
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Create User")

    users_before = User.objects.count()
    page.get_by_role("button", name="Create", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    check_accessibility(page)
    expect(page).to_have_title(re.compile("^Error: "))
    expect(summary.get_by_role("link")).to_have_text(
        [
            "First name: This field is required.",
            "Surname: This field is required.",
            "Groups: This field is required.",
        ]
    )
    first_name = page.get_by_role("textbox", name="First name")
    expect(first_name).to_have_attribute("aria-invalid", "true")
    screenshot(page, "user-create-errors")
    assert User.objects.count() == users_before

    # Each problem in the summary links to its field.
    summary.get_by_role("link", name="First name: This field is required.").click()
    expect(first_name).to_be_focused()
    summary.get_by_role("link", name="Groups: This field is required.").click()
    expect(page.get_by_role("checkbox", name="North")).to_be_focused()

    first_name.fill("Nadia")
    page.get_by_role("textbox", name="Surname").fill("Newcomer")
    page.get_by_role("checkbox", name="Leeds cohort").check()
    page.get_by_role("button", name="Create", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Newcomer")
    check_accessibility(page)
    created = User.objects.get(first_name="Nadia", last_name="Newcomer")
    # (The browser keeps the #fragment of the last error link clicked across the redirect.)
    expect(page).to_have_url(re.compile(rf"/users/{created.pk}/(#.*)?$"))
    expect(page.get_by_role("status")).to_have_text(
        "Nadia Newcomer was created with status Prospect."
    )


def test_admin_create_form_offers_roles(page, sign_in, supervisor):
    sign_in(supervisor)
    visit(page, "/users/create/admin/")
    expect(page.get_by_role("group", name="Roles")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Data Export")).to_be_visible()

    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Email: This field is required.")
    check_accessibility(page)


def test_cancel_form_asks_for_a_reason(page, sign_in, tutor, learner):
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/cancel/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel John Smith?")

    page.get_by_role("button", name="Cancel user").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check_accessibility(page)
    expect(page.get_by_role("textbox", name="Reason for cancelling")).to_have_attribute(
        "aria-invalid", "true"
    )
