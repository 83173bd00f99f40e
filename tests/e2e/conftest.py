"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Playwright's own browser download does not work on our machines (DESIGN.md §11), so these
fixtures launch the system Chromium through ``executable_path`` instead of using the
pytest-playwright plugin. Every test here talks to pytest-django's ``live_server``, so it runs
in a transactional database; ``serialized_rollback`` puts back the roles that migration
users/0002 creates, which the flush after each test would otherwise delete.
"""

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Short enough that a broken page fails fast, long enough for a loaded CI machine.
DEFAULT_TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        reason = (
            f"Chromium not found at {executable}; install it (apt-get install chromium) "
            "or set CHROMIUM_PATH"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an event loop running in this thread, which makes Django's
    # ORM refuse to run from the test code (factories, assertions on the database).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh browser context (no cookies) per test, failing on any JavaScript or CSP error."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    new_page = context.new_page()
    errors: list[str] = []
    # A Content-Security-Policy violation is reported as a console error, so this also catches
    # inline scripts or styles that the browser refused to apply.
    new_page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield new_page
    context.close()
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)
