"""Notifications in a real browser: the header's count arrives after the page (htmx), opening
one goes to its page and lowers the count, and the list passes the accessibility check."""

import re

from playwright.sync_api import expect

from tests.users.factories import NotificationFactory

from .helpers import check_accessibility, screenshot, visit


def test_the_header_counts_unread_and_opening_one_goes_to_its_page(page, sign_in, tutor, learner):
    NotificationFactory(
        recipient=tutor,
        title="Tracker 'Laptop loan' assigned to you",
        body="Due 31/12/2026.",
        link=f"/users/{learner.pk}/",
    )
    NotificationFactory(recipient=tutor, title="Tracker 'Induction' approved")
    sign_in(tutor)

    visit(page, "/users/")
    link = page.get_by_role("link", name="Notifications 2 unread")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    expect(page.get_by_text("2 unread of 2")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "notifications-list")

    page.get_by_role("button", name=re.compile(r"^Open\W+Tracker 'Laptop loan'")).click()
    expect(page).to_have_url(re.compile(rf"/users/{learner.pk}/$"))
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
