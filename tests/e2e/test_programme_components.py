"""A new administrator follows "add components in Manage programmes" from a learner's plan,
adds the programme's first component at 1366x768, and the plan then measures progress. The
page passes axe, and a wrong row shows its message beside the field."""

from playwright.sync_api import expect

from tests.factories import EnrolmentFactory

from .helpers import check_accessibility, visit


def test_the_no_components_link_leads_to_adding_the_first_component(
    page, sign_in, supervisor, learner
):
    page.set_viewport_size({"width": 1366, "height": 768})
    enrolment = EnrolmentFactory(learner=learner, programme__name="Data Analyst")
    sign_in(supervisor)
    visit(page, f"/users/{learner.pk}/learning-plan/")
    page.get_by_role("link", name="Manage programmes").click()
    expect(page.get_by_role("group", name="Components")).to_be_in_viewport()
    check_accessibility(page)

    page.get_by_label("Code, new component").fill("K1")
    page.get_by_role("button", name="Save changes").click()
    # No title: the message is beside the field, in view once the summary link is followed.
    expect(page.get_by_role("alert").first).to_contain_text("Enter the component's title.")
    page.get_by_role("link", name="title: Enter the component's title.").click()
    expect(page.get_by_label("Title, new component")).to_be_in_viewport()
    check_accessibility(page)

    page.get_by_label("Type, new component").select_option(label="Knowledge")
    page.get_by_label("Title, new component").fill("Data structures")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("row", name="Data Analyst")).to_contain_text("1")
    assert enrolment.programme.components.get().title == "Data structures"

    visit(page, f"/users/{learner.pk}/learning-plan/")
    expect(page.locator("main")).not_to_contain_text("no components yet")
