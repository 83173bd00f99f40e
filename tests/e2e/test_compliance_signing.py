"""A supervisor creates a Commitment Statement, signs it in the portal; the learner and the
employer sign through their emailed links; the supervisor then sees the seal verified and
downloads the sealed PDF, which checks out."""

import re
from pathlib import Path

from playwright.sync_api import expect

from compliance.models import ComplianceDocument
from documents.models import Document
from signing import services
from tests.compliance.factories import kind, required_enrolment
from tests.factories import UserFactory
from users.email_models import OutboundEmail

from .conftest import DEFAULT_TIMEOUT_MS
from .helpers import screenshot


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


def _sign_with_link(browser, live_server, address: str, name: str) -> None:
    """The signer opens the link of their email in a browser where nobody is signed in."""
    email = OutboundEmail.objects.filter(address=address).latest("pk")
    path = re.search(r"/sign/[^/\s]+/", email.text_body).group(0)
    context = browser.new_context(base_url=live_server.url, locale="en-GB", reduced_motion="reduce")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        assert page.goto(path).status == 200
        _sign_by_keyboard(page, name)
        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you, you have signed")
    finally:
        context.close()


def test_a_commitment_statement_is_signed_by_all_three_and_sealed(
    browser, page, live_server, sign_in, supervisor, learner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SIGNING_DEV_CERT_DIR = tmp_path / "cert"
    settings.SIGNING_CERT_FILE = ""
    learner.manager = UserFactory(
        first_name="Erin", last_name="Boss", email="erin@acme.example", user_type="EMPLOYER"
    )
    learner.save()
    required_enrolment(learner)

    sign_in(supervisor)
    page.goto(f"/compliance/learners/{learner.pk}/create/{kind().pk}/")
    page.get_by_role("button", name="Create document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commitment Statement of John Smith")
    expect(page.get_by_text("Signature required").first).to_be_visible()
    page.get_by_role("link", name="Sign now").click()
    _sign_by_keyboard(page, "Sam Supervisor")
    expect(page.get_by_text("You signed Commitment Statement (version 1)")).to_be_visible()
    document = ComplianceDocument.objects.get()
    assert document.status == ComplianceDocument.Status.WAITING

    _sign_with_link(browser, live_server, "john.smith@example.com", "John Smith")
    _sign_with_link(browser, live_server, "erin@acme.example", "Erin Boss")

    page.goto(f"/compliance/learners/{learner.pk}/documents/{document.pk}/")
    expect(page.get_by_text("Signed", exact=True)).to_be_visible()
    page.get_by_role("link", name="Check the seal of the signed document").click()
    expect(page.get_by_text("Seal verified:")).to_be_visible()
    screenshot(page, "compliance-signed-envelope")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download signed PDF").click()
    sealed = Path(download_info.value.path()).read_bytes()
    assert services.verify_pdf_bytes(sealed).intact
    filed = Document.objects.get(folder=Document.Folder.COMPLIANCE, learner=learner)
    assert filed.visible_to_learner
