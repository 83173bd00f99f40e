"""A learner opens their emailed signing link on a phone (390 px), signs, and gets the sealed
document: the page fits the screen with no sideways scrolling."""

import re

from playwright.sync_api import expect

from signing import services, tokens
from signing.models import Envelope, Signer
from signing.services import SignerSpec
from tests.sample_files import pdf_bytes

from .helpers import check_accessibility, screenshot


def _no_horizontal_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_a_learner_signs_on_a_phone_and_gets_the_sealed_document(
    browser, live_server, learner, tutor, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_DEV_CERT_DIR = tmp_path / "cert"
    envelope = services.envelope_create(
        learner=learner,
        title="Commitment statement",
        pdf=pdf_bytes(),
        signers=[
            SignerSpec(Signer.Role.LEARNER, learner.full_name, learner.email, learner),
            SignerSpec(Signer.Role.PROVIDER, tutor.full_name, tutor.email, tutor),
        ],
        actor=tutor,
    )
    provider = envelope.signers.get(role=Signer.Role.PROVIDER)
    services.signer_sign(
        signer=provider,
        typed_name=tutor.full_name,
        consent=True,
        ip="192.0.2.1",
        user_agent="x",
        actor=tutor,
    )
    learner_row = envelope.signers.get(role=Signer.Role.LEARNER)
    link = f"/sign/{tokens.make_token(learner_row)}/"

    # A fresh context: the learner is not signed in, on a phone-sized screen.
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        # Bootstrap scrolls smoothly otherwise: a click during the scroll misses the checkbox.
        reduced_motion="reduce",
        locale="en-GB",
        timezone_id="Europe/London",
    )
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        response = page.goto(link)
        assert response.status == 200
        expect(page.get_by_role("heading", level=1)).to_have_text("Sign: Commitment statement")
        expect(page.locator("iframe.signing-pdf")).to_be_visible()
        _no_horizontal_scroll(page)
        check_accessibility(page)
        screenshot(page, "signing-link-390")

        # By keyboard, as many phone users with assistive tech do (and the framed PDF viewer,
        # still laying out, moves the page under a pointer in headless Chromium).
        page.get_by_label("Type your full name").fill("john smith")
        page.keyboard.press("Tab")
        page.keyboard.press("Space")
        consent = page.get_by_label("I have read this document and agree to sign it electronically")
        expect(consent).to_be_checked()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Sign")).to_be_focused()
        page.keyboard.press("Enter")

        expect(page).to_have_url(re.compile(r"/sign/done/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, you have signed")
        expect(
            page.get_by_role("link", name=re.compile("Download the signed document"))
        ).to_be_visible()
        _no_horizontal_scroll(page)
        screenshot(page, "signing-done-390")
        assert not errors, errors
    finally:
        context.close()

    envelope.refresh_from_db()
    assert envelope.status == Envelope.Status.SEALED
    assert services.envelope_verify(envelope).intact
