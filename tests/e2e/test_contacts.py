"""Contacts in a real browser (issue 11, point 9): choosing the kind of contact shows only that
kind's fields, and the learner's case owner, manager and mentor are listed read-only."""

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from crm.models import LearnerContact
from tests.factories import OrganisationFactory, UserFactory
from users.models import User

from .helpers import check_accessibility, screenshot, visit

ADMIN_FIELDS = ("admin", "role")
PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "organisation", "job_title")


def _expect_only(page, shown: tuple, hidden: tuple) -> None:
    form = page.locator("#contact-fields")
    for name in shown:
        expect(form.locator(f'[name="{name}"]')).to_be_visible()
    for name in hidden:
        expect(page.locator(f'[name="{name}"]')).to_have_count(0)


def test_choosing_a_kind_shows_only_its_fields(page, sign_in, tutor, learner):
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/contacts/add/")
    _expect_only(page, (), (*ADMIN_FIELDS, *PERSON_FIELDS, "relationship"))
    # The no-JavaScript button is not shown when htmx does the work.
    expect(page.get_by_role("button", name="Show the fields for this kind")).to_have_count(0)

    page.get_by_label("Administrator", exact=True).check()
    _expect_only(page, ADMIN_FIELDS, (*PERSON_FIELDS, "relationship", "crm_contact"))
    check_accessibility(page)

    page.get_by_label("CRM contact", exact=True).check()
    _expect_only(page, ("crm_contact", *PERSON_FIELDS), (*ADMIN_FIELDS, "relationship"))

    page.get_by_label("Ad hoc contact", exact=True).check()
    _expect_only(page, (*PERSON_FIELDS, "relationship", "notes"), ADMIN_FIELDS)
    check_accessibility(page)
    screenshot(page, "contact-add-ad-hoc")

    form = page.locator("#contact-fields")
    form.get_by_role("textbox", name="First name").fill("Mary")
    form.get_by_role("textbox", name="Surname").fill("Smith")
    form.get_by_role("textbox", name="Relationship").fill("Mother")
    form.get_by_role("button", name="Add contact").click()
    expect(page.get_by_text("Mary Smith was added to John Smith's contacts.")).to_be_visible()
    link = LearnerContact.objects.get()
    assert (link.kind, link.relationship) == ("AD_HOC", "Mother")


def test_without_javascript_the_button_shows_the_kinds_fields(browser, live_server, tutor, learner):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    client = Client()
    client.force_login(tutor)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"/users/{learner.pk}/contacts/add/")
        page.get_by_label("Administrator", exact=True).check()
        page.get_by_role("button", name="Show the fields for this kind").click()
        _expect_only(page, ADMIN_FIELDS, (*PERSON_FIELDS, "relationship"))
        page.locator("#contact-fields").get_by_role("button", name="Add contact").click()
        expect(page.get_by_text("Choose the administrator.").first).to_be_visible()
        _expect_only(page, ADMIN_FIELDS, (*PERSON_FIELDS, "relationship"))
    finally:
        context.close()


def test_the_section_lists_case_owner_manager_and_mentor_read_only(
    page, sign_in, tutor, colleague, learner, tree
):
    acme = OrganisationFactory(name="Acme Ltd")
    manager = UserFactory(
        user_type=User.Type.EMPLOYER,
        organisation=acme,
        first_name="Mandy",
        last_name="Manager",
        groups=[tree["north"]],
    )
    learner.case_owner, learner.organisation, learner.manager = colleague, acme, manager
    learner.save()
    sign_in(tutor)
    visit(page, f"/users/{learner.pk}/")
    section = page.locator("#contacts")
    rows = section.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Colin Colleague")
    expect(rows.nth(0)).to_contain_text("Case owner")
    expect(rows.nth(1)).to_contain_text("Employer manager")
    expect(rows.nth(1).get_by_role("link", name="Mandy Manager")).to_be_visible()
    expect(section.get_by_role("link", name="Remove")).to_have_count(0)
    expect(section.get_by_role("link", name="Edit user's details")).to_be_visible()
    section.scroll_into_view_if_needed()
    screenshot(page, "contacts-section-linked-people")
