"""Signing in through the real form, including the error a mistyped password gives."""

import re

from playwright.sync_api import expect

from .helpers import check_accessibility, screenshot, visit


def test_anonymous_visitor_is_sent_to_the_sign_in_page(page):
    page.goto("/users/")

    expect(page).to_have_url(re.compile(r"/login/\?next=/users/$"))
    check_accessibility(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Email")).to_be_focused()
    screenshot(page, "login")


def test_wrong_password_shows_an_accessible_error(page, tutor):
    visit(page, "/login/")
    page.get_by_label("Email").fill(tutor.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That email and password do not match an active account.")
    check_accessibility(page)
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_label("Email")).to_have_value(tutor.email)
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "login-error")
