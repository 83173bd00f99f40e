"""The audit trail at a laptop's 1366 x 768: the reason and IP address stay on screen, however
long the values in the changes, without scrolling sideways."""

import datetime

from playwright.sync_api import expect

from audit.context import acting_as
from crm.models import Note
from tests.audit.helpers import change

from .helpers import screenshot, visit

LONG_REASON = "Corrected after the learner phoned in with the details from their new tenancy"


def test_reason_and_ip_are_within_the_viewport_at_1366(page, sign_in, tutor, supervisor, learner):
    change(
        learner,
        actor=supervisor,
        at=datetime.datetime(2026, 6, 15, 14, 30),
        address_line_1="Flat 12, The Very Long Named Riverside Apartments Building, Wharf Street",
        personal_email="a.very.long.personal.email.address.for.testing@example.org",
        reason=LONG_REASON,
        ip="2001:db8:85a3::8a2e:370:7334",
    )
    with acting_as(tutor):
        Note.objects.create(learner=learner, text="word " * 80, created_by=tutor)
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(supervisor)
    visit(page, f"/audit/users/{learner.pk}/")

    row = page.get_by_role("row").filter(has_text=LONG_REASON)
    expect(row).to_have_count(1)
    reason = row.get_by_role("cell").nth(3)
    ip = row.get_by_role("cell").nth(4)
    expect(reason).to_have_text(LONG_REASON)
    expect(ip).to_have_text("2001:db8:85a3::8a2e:370:7334")
    for cell in (reason, ip):
        box = cell.bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 1366, f"{cell.inner_text()!r} runs off the screen"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 1366, f"the page scrolls sideways ({scroll_width} px wide)"
    expect(page.get_by_role("columnheader")).to_have_text(
        ["When", "Who", "What changed", "Reason", "IP address"]
    )
    screenshot(page, "audit-trail-1366")
