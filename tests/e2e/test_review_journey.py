"""A supervisor starts a progress review from the learner's Reviews page, saves it, resumes and
completes it; signs it in the portal; the learner signs through the emailed link; the sealed PDF
is then in the learner's Review documents and the next review is due a full interval after the
day it was held."""

import datetime
import re
from pathlib import Path

import time_machine
from playwright.sync_api import expect

from documents.models import Document
from reviews.models import Review
from signing import services
from tests.reviews.factories import current_enrolment, review_template
from users.email_models import OutboundEmail

from .conftest import DEFAULT_TIMEOUT_MS
from .helpers import screenshot

TODAY = datetime.date(2026, 3, 2)


def _sign_by_keyboard(page, name: str) -> None:
    # By keyboard: the framed PDF viewer, still laying out, moves the page under a pointer in
    # headless Chromium (see test_signing_link.py).
    page.get_by_label("Type your full name").fill(name)
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    consent = page.get_by_label("I have read this document and agree to sign it electronically")
    expect(consent).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign", exact=True)).to_be_focused()
    page.keyboard.press("Enter")


def test_a_review_is_started_completed_signed_and_filed(
    browser, page, live_server, sign_in, supervisor, learner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_DEV_CERT_DIR = tmp_path / "cert"
    settings.SIGNING_CERT_FILE = ""
    enrolment = current_enrolment(learner, status="ACTIVE", start_date=datetime.date(2025, 9, 1))
    review_template(enrolment.programme, employer_signs=False)
    # The server thread reads the same frozen clock: the review is held "today".
    traveller = time_machine.travel(datetime.datetime(2026, 3, 2, 10, 0), tick=True)
    traveller.start()
    try:
        sign_in(supervisor)
        page.goto(f"/users/{learner.pk}/reviews/")
        page.get_by_role("link", name="Start a review").click()
        page.get_by_role("button", name="Choose").click()
        page.get_by_label("Meeting type").select_option(label="Video call")
        page.get_by_label("Read the last review").check()
        page.get_by_label("Check the OTJ log").check()
        page.get_by_role("button", name="Start review").click()

        page.get_by_label("What went well?").fill("Finished the unit on safety")
        page.get_by_role("button", name="Save and carry on later").click()
        expect(page.get_by_text("Your answers were saved")).to_be_visible()
        review = Review.objects.get()
        page.goto(f"/users/{learner.pk}/reviews/{review.pk}/")
        expect(page.get_by_text("In progress").first).to_be_visible()
        page.get_by_role("link", name="Resume").click()
        expect(page.get_by_label("What went well?")).to_have_value("Finished the unit on safety")
        page.get_by_label("Confidence").select_option("4")
        page.get_by_label("Any concerns?").select_option(label="No")
        page.get_by_label("Action", exact=True).first.fill("Log this week's OTJ hours")
        page.get_by_label("Date held").fill("2026-03-02")
        page.get_by_label("Duration (minutes)").fill("45")
        page.get_by_role("button", name="Complete the review").click()
        expect(page.get_by_text("Awaiting signatures").first).to_be_visible()
        review.refresh_from_db()
        assert review.status == Review.Status.AWAITING_SIGNATURES
        assert learner.tasks.get().in_action_plan

        page.goto(f"/users/{learner.pk}/reviews/{review.pk}/")
        page.get_by_role("link", name="The document sent for signature").click()
        page.get_by_role("link", name="Sign now").click()
        _sign_by_keyboard(page, "Sam Supervisor")

        email = OutboundEmail.objects.filter(address=learner.email).latest("pk")
        path = re.search(r"/sign/[^/\s]+/", email.text_body).group(0)
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        try:
            phone = context.new_page()
            assert phone.goto(path).status == 200
            _sign_by_keyboard(phone, "John Smith")
            expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you, you have signed")
        finally:
            context.close()

        review.refresh_from_db()
        assert review.status == Review.Status.SIGNED
        page.goto(f"/users/{learner.pk}/review-documents/")
        expect(page.get_by_text("Signed and sealed")).to_be_visible()
        screenshot(page, "review-documents")
        with page.expect_download() as download_info:
            held = "Progress review held 02/03/2026 (revision 1) (download)"
            page.get_by_role("link", name=held).click()
        sealed = Path(download_info.value.path()).read_bytes()
        assert services.verify_pdf_bytes(sealed).intact
        assert Document.objects.get(folder=Document.Folder.REVIEWS, learner=learner)

        # Twelve weeks after the day it was held.
        page.goto(f"/users/{learner.pk}/")
        expect(page.locator("#reviews").get_by_text("25/05/2026")).to_be_visible()
    finally:
        traveller.stop()
