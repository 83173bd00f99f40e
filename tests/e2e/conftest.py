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
from django.conf import settings
from django.db import connections
from django.test import Client

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


def _chromium_executable() -> str:
    """The Chromium to drive, or skip (fail under REQUIRE_BROWSER=1) when it is missing."""
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        reason = (
            f"Chromium not found at {executable}; install it (apt-get install chromium) "
            "or set CHROMIUM_PATH"
        )
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return executable


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for all the browser tests.

    Package-scoped rather than session-scoped: while Playwright's sync API runs, this thread
    has a running event loop, which changes how Django's ORM behaves (below) and needs
    DJANGO_ALLOW_ASYNC_UNSAFE. Stopping it after the last test here keeps both from leaking
    into the tests that run later (pytest-django runs transactional tests last, so these run
    together), and keeps the variable out of subprocesses such as ``manage.py check
    --deploy``, which rejects it.
    """
    executable = _chromium_executable()
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    # The ORM refuses to run in a thread with a running event loop unless told it is safe:
    # the test code (factories, database assertions) runs between Playwright calls, never
    # inside the loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    before = {alias: connections[alias] for alias in connections}
    try:
        with sync_playwright() as playwright:
            _keep_serialized_contents(before)
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _keep_serialized_contents(before: dict) -> None:
    """Let ``serialized_rollback`` find the database snapshot once Playwright is running.

    Django keeps connections in a thread-local that, in a thread with a running event loop,
    switches to per-context storage, so from here on the test code gets new connection
    objects. The snapshot of the migrated database, taken when the test database was
    created, lives on the old ones; without it the roles from users/0002 would vanish after
    the first test's flush.
    """
    for alias, old in before.items():
        snapshot = getattr(old, "_test_serialized_contents", None)
        if snapshot is not None:
            connections[alias]._test_serialized_contents = snapshot


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

    def on_console(msg) -> None:
        # Chromium asks for /favicon.ico on its own; the portal has none.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    new_page.on("console", on_console)
    new_page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield new_page
    context.close()
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def sign_in(page, live_server):
    """Sign ``user`` in without the form: give the browser a session cookie made by Django.

    Only the sign-in tests and the main search journey go through the form; skipping it
    elsewhere keeps the browser tests fast.
    """

    def sign_in(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )

    return sign_in
