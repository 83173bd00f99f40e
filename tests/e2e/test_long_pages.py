"""Long pages at a laptop's size (1366x768): the profile's section index jumps and stays in
view, a collapsed section stays collapsed after a reload, a long form's index jumps to a part."""

import re

from playwright.sync_api import expect

from crm.models import Note
from tests.factories import EnrolmentFactory, MilestoneFactory

from .helpers import check_accessibility, screenshot, visit

LAPTOP = {"width": 1366, "height": 768}


def test_the_profile_index_jumps_to_a_section_and_stays_in_view(page, sign_in, tutor, learner):
    enrolment = EnrolmentFactory(learner=learner)
    MilestoneFactory.create_batch(3, learner=learner, enrolment=enrolment)
    for n in range(3):
        Note.objects.create(learner=learner, text=f"Call {n}", created_by=tutor)
    page.set_viewport_size(LAPTOP)
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/")
    index = page.get_by_role("navigation", name="On this page")
    index.get_by_role("link", name="Contacts (0)").click()
    expect(page).to_have_url(re.compile(r"#contacts$"))
    expect(page.locator("section#contacts")).to_be_in_viewport()
    # Far down the page, the index is still there to jump back up.
    expect(index).to_be_in_viewport()
    index.get_by_role("link", name="Notes (3)").click()
    expect(page.locator("section#notes table")).to_be_in_viewport()
    screenshot(page, "profile-index")


def test_a_collapsed_section_stays_collapsed_after_a_reload(page, sign_in, tutor, learner):
    Note.objects.create(learner=learner, text="Called about the gateway", created_by=tutor)
    page.set_viewport_size(LAPTOP)
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/")
    notes = page.locator("section#notes")
    expect(notes.get_by_text("Called about the gateway")).to_be_visible()
    with page.expect_response(re.compile(r"/users/profile-sections/notes/$")) as answer:
        notes.locator("summary").click()
    assert answer.value.status == 204
    expect(notes.get_by_text("Called about the gateway")).to_be_hidden()

    page.reload()
    notes = page.locator("section#notes")
    expect(notes.locator("details")).to_have_js_property("open", False)
    expect(notes.get_by_text("Called about the gateway")).to_be_hidden()
    # The other sections are as they were.
    expect(page.locator("section#contacts details")).to_have_js_property("open", True)
    check_accessibility(page)

    # Opened again, and that is remembered too.
    with page.expect_response(re.compile(r"/users/profile-sections/notes/$")):
        notes.locator("summary").click()
    page.reload()
    expect(page.locator("section#notes").get_by_text("Called about the gateway")).to_be_visible()


def test_a_long_forms_index_jumps_to_a_part(page, sign_in, tutor):
    page.set_viewport_size(LAPTOP)
    sign_in(tutor)
    visit(page, "/users/create/user/")
    index = page.get_by_role("navigation", name="Parts of this form")
    index.get_by_role("link", name="Subscription").click()
    expect(page).to_have_url(re.compile(r"#fieldset-subscription$"))
    part = page.get_by_role("group", name="Subscription")
    expect(part).to_be_in_viewport()
    expect(part.get_by_label("Subscription end")).to_be_in_viewport()
    screenshot(page, "create-user-parts")
