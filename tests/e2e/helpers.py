"""What every browser test does: visit pages, check them with axe, sign in, search, screenshot."""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations.

    Axe is injected with ``page.evaluate``, which goes through the DevTools protocol and so is
    not subject to the site's Content-Security-Policy (which forbids inline scripts).
    """
    results = _axe.run(page)
    problems = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if not problems:
        return
    lines = [f"{len(problems)} serious or critical accessibility violation(s) on {page.url}:"]
    for violation in problems:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
    raise AssertionError("\n".join(lines))


def visit(page: Page, path: str) -> None:
    """Go to ``path`` (relative to the live server), expect a 200 and check accessibility."""
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"GET {path} answered {response.status}"
    check_accessibility(page)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form and land on the Users page."""
    visit(page, "/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/users/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    check_accessibility(page)


def _is_htmx_search(response) -> bool:
    return (
        urlsplit(response.url).path == "/users/"
        and response.request.headers.get("hx-request") == "true"
    )


def search(page: Page, submit, **expected_params: str) -> None:
    """Run ``submit`` (which triggers the search form) and wait until htmx shows the results.

    The form swaps ``#results`` in place and pushes the search URL into the history. htmx
    pushes the URL and swaps the content in one go after the response arrives, so once the
    address shows the expected query the new results are in the page.
    """
    with page.expect_response(_is_htmx_search) as response_info:
        submit()
    response = response_info.value
    assert response.ok, f"search answered {response.status}"

    def has_params(url: str) -> bool:
        query = parse_qs(urlsplit(url).query)
        return all(query.get(k) == [v] for k, v in expected_params.items())

    page.wait_for_url(has_params)
    check_accessibility(page)


def result_names(page: Page) -> list[str]:
    """The names in the results table, as shown ("Surname, First name")."""
    return page.locator("#results table tbody th a").all_inner_texts()


def expect_result_count(page: Page, count: int) -> None:
    noun = "user" if count == 1 else "users"
    expect(page.locator("#results [role=status]")).to_have_text(f"{count} {noun} found")


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
