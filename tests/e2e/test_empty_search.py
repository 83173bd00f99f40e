"""A search that matches nobody, in a real browser at the size a new administrator used."""

import re

from playwright.sync_api import expect

from .helpers import check_accessibility, log_in, screenshot, search


def test_a_search_matching_nobody_says_so_and_clear_filters_brings_everyone_back(
    page, tutor, learner
):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, tutor.email)
    name = page.get_by_role("textbox", name="User name")
    name.fill("zzzzqq")
    search(page, lambda: name.press("Enter"), name="zzzzqq")

    # The results panel used to be blank here: an empty page object is falsy in a template.
    empty = page.locator("#results .empty-state")
    expect(empty).to_be_visible()
    expect(empty).to_have_text(re.compile(r"0\s+users match these filters\.\s+Clear filters"))
    check_accessibility(page)
    screenshot(page, "users-search-matching-nobody")

    empty.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.locator("#results tbody")).to_contain_text("Smith, John")


def test_the_tab_shows_the_portal_favicon(page, tutor):
    log_in(page, tutor.email)
    href = page.locator('link[rel="icon"]').get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"].startswith("image/svg+xml")
