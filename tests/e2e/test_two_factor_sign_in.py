"""Signing in through the real forms with a password and then an authenticator-app code."""

import re

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.factories import PASSWORD
from users import two_factor

from .helpers import check_accessibility, visit


def test_sign_in_with_a_code_from_the_authenticator_app(page, tutor):
    device = two_factor.unconfirmed_app_device(tutor)
    two_factor.two_factor_enable(device=device, actor=tutor)

    visit(page, "/login/")
    page.get_by_label("Email").fill(tutor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    check_accessibility(page)
    page.get_by_label("Code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")


def test_set_up_page_shows_the_qr_code_within_the_content_security_policy(page, sign_in, tutor):
    sign_in(tutor)
    visit(page, "/account/security/set-up/")

    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert page.evaluate("img => img.naturalWidth > 0", qr.element_handle())
