"""Searching the Users page in a real browser, as an administrator does it.

Each step asserts what the administrator sees; every page reached is checked with axe.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import EnrolmentFactory, UserFactory

from .helpers import (
    check_accessibility,
    expect_result_count,
    log_in,
    result_names,
    screenshot,
    search,
    visit,
)


@pytest.fixture
def namesake(tree, tutor):
    """Also matches "smi", but has a different NI number."""
    person = UserFactory(
        first_name="Sarah",
        last_name="Smithson",
        groups=[tree["cohort"]],
        ni_number="JC654321A",
        case_owner=tutor,
        reference_number="REF-000123",
    )
    EnrolmentFactory(
        learner=person, programme__name="Level 3 Business Administrator", is_current=True
    )
    return person


@pytest.fixture
def stranger(tree):
    """Visible to the tutor, but matches none of the searches below."""
    return UserFactory(
        first_name="Jane", last_name="Doe", groups=[tree["cohort"]], ni_number="CE112233B"
    )


def name_field(page):
    return page.get_by_role("textbox", name="User name")


def test_tutor_finds_a_learner_by_surname_and_ni_number_and_opens_them(
    page, tutor, learner, namesake, stranger
):
    log_in(page, tutor.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Users").click()
    expect(page).to_have_url(re.compile(r"/users/$"))
    check_accessibility(page)
    expect_result_count(page, 3)
    screenshot(page, "users-page")

    name_field(page).fill("smi")
    search(page, page.get_by_role("button", name="Search").click, name="smi")
    expect_result_count(page, 2)
    assert result_names(page) == ["Smith, John", "Smithson, Sarah"]

    page.get_by_role("textbox", name="NI number").fill("ab 12 34 56 c")
    search(
        page, page.get_by_role("button", name="Search").click, name="smi", ni_number="ab 12 34 56 c"
    )
    expect_result_count(page, 1)
    assert result_names(page) == ["Smith, John"]
    screenshot(page, "users-page-searched")

    page.get_by_role("link", name="Smith, John").click()
    expect(page).to_have_url(re.compile(rf"/users/{learner.pk}/$"))
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("John Smith")
    details = page.get_by_role("region", name="Details")
    expect(details.locator("dt:has-text('NI number') + dd")).to_have_text("AB123456C")
    expect(details.locator("dt:has-text('Email') + dd")).to_have_text("john.smith@example.com")


def test_search_ignores_accents(page, sign_in, tutor, stranger, tree):
    UserFactory(first_name="Zoë", last_name="Ångström", groups=[tree["cohort"]])
    sign_in(tutor)
    visit(page, "/users/")

    name_field(page).fill("zoe angstrom")
    search(page, page.get_by_role("button", name="Search").click, name="zoe angstrom")

    expect_result_count(page, 1)
    assert result_names(page) == ["Ångström, Zoë"]


def test_keyboard_only_search(page, sign_in, tutor, learner, stranger):
    sign_in(tutor)
    visit(page, "/users/")
    field = name_field(page)

    # The first Tab shows the skip link, which jumps past the header.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    for _ in range(5):
        page.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tabbing on from the main content never reached the User name field")
    page.keyboard.type("smith")
    search(page, lambda: page.keyboard.press("Enter"), name="smith")

    expect_result_count(page, 1)
    assert result_names(page) == ["Smith, John"]
    # The results were swapped in beside the form, so the keyboard user keeps their place.
    expect(field).to_be_focused()


def test_clicking_an_active_filter_chip_removes_that_filter(
    page, sign_in, tutor, learner, stranger
):
    sign_in(tutor)
    visit(page, "/users/")
    name_field(page).fill("smith")
    search(page, page.get_by_role("button", name="Search").click, name="smith")
    expect_result_count(page, 1)

    page.get_by_role("link", name="Remove filter User name: smith").click()
    page.wait_for_url(lambda url: not parse_qs(urlsplit(url).query).get("name"))
    check_accessibility(page)

    expect_result_count(page, 2)
    assert result_names(page) == ["Doe, Jane", "Smith, John"]
    expect(page.get_by_role("link", name=re.compile("^Remove filter User name"))).to_have_count(0)
    expect(name_field(page)).to_have_value("")
