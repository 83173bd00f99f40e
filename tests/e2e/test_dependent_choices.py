"""Choices that depend on another choice, in a real browser (issue 11, point 7): the employer
narrows Manager and Mentor, and the programme pre-fills the planned end date."""

from playwright.sync_api import expect

from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory
from users.models import User

from .helpers import check_accessibility, screenshot, visit


def test_picking_the_employer_narrows_manager_and_mentor(page, sign_in, tutor, tree):
    acme, other = OrganisationFactory(name="Acme Ltd"), OrganisationFactory(name="Other plc")
    UserFactory(
        user_type=User.Type.EMPLOYER, organisation=acme, groups=[tree["north"]], last_name="Boss"
    )
    UserFactory(
        user_type=User.Type.EMPLOYER, organisation=other, groups=[tree["north"]], last_name="Far"
    )
    sign_in(tutor)
    visit(page, "/users/create/user/")
    manager = page.get_by_label("Manager")
    expect(manager.locator("option")).to_have_count(1)
    page.get_by_label("Employer organisation").select_option(label="Acme Ltd")
    # The swapped-in field is a new element: look it up again.
    expect(page.get_by_label("Manager").locator("option")).to_have_count(2)
    expect(page.get_by_label("Mentor")).to_contain_text("Boss")
    expect(page.get_by_label("Mentor")).not_to_contain_text("Far")
    page.get_by_label("Manager").select_option(index=1)
    check_accessibility(page)
    screenshot(page, "dependent-choices-employer")


def test_the_programme_prefills_the_planned_end_date_but_never_a_typed_one(
    page, sign_in, supervisor, learner
):
    ProgrammeFactory(name="Data technician", duration_months=15)
    sign_in(supervisor)
    visit(page, f"/users/{learner.pk}/programmes/enrol/")
    page.locator("#id_start_date").fill("2026-01-31")
    page.locator("#id_start_date").dispatch_event("change")
    page.locator("#id_programme").select_option(label="Data technician")
    end = page.locator("#id_planned_end_date")
    expect(end).to_have_value("2027-04-30")
    # Moving the start moves a date the page filled in ...
    page.locator("#id_start_date").fill("2026-02-01")
    page.locator("#id_start_date").dispatch_event("change")
    expect(end).to_have_value("2027-05-01")
    # ... but not one the user typed.
    end.fill("2027-06-30")
    page.locator("#id_start_date").fill("2026-03-01")
    page.locator("#id_start_date").dispatch_event("change")
    expect(end).to_have_value("2027-06-30")
