"""The axe check itself works on the portal's pages, despite their strict CSP."""

import pytest

from .helpers import check_accessibility


def test_axe_runs_under_the_content_security_policy_and_reports_violations(page):
    response = page.goto("/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    check_accessibility(page)

    # Break the page on purpose: an input without a label is a critical violation.
    page.evaluate("document.querySelector('label[for=id_username]').remove()")

    with pytest.raises(AssertionError, match=r"- label \(critical\)") as failure:
        check_accessibility(page)
    assert "#id_username" in str(failure.value)
