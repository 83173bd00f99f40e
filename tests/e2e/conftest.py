"""Fixtures for the browser tests: Debian's Chromium driven by Playwright's sync API.

Playwright's own browser download does not work on our machines (DESIGN.md §11), so these
fixtures launch the system Chromium through ``executable_path`` instead of using the
pytest-playwright plugin. Every test here talks to pytest-django's ``live_server``, so it runs
in a transactional database. The rows the migrations create (roles, permissions, content
types, compliance document types), which the flush after each test deletes, are put back before
each test from the snapshot ``serialized_rollback`` takes of the migrated database, with one bulk
insert a table (``MigratedRows``) rather than Django's save of each object.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connections, transaction
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
def browser(django_db_setup, django_db_blocker):
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
            with django_db_blocker.unblock():
                _start_empty()
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class MigratedRows:
    """The rows of the migrated database, read once from Django's snapshot of it and put back
    with one bulk insert a table.

    Django's own restore (``serialized_rollback``) saves each of the 400-odd objects, m2m
    links one by one after it, about a second before every browser test; this takes a few
    hundredths. The rows are the same, ids included, so the roles' permission links and any
    id a test relies on come back as they were.
    """

    def __init__(self, snapshot: str):
        self.rows: dict[type, list[dict]] = {}
        self.links: dict[type, list[dict]] = {}
        for deserialized in serializers.deserialize("json", snapshot):
            obj = deserialized.object
            model = type(obj)
            fields = [f for f in model._meta.concrete_fields if not f.generated]
            self.rows.setdefault(model, []).append(
                {f.attname: getattr(obj, f.attname) for f in fields}
            )
            for name, related in (deserialized.m2m_data or {}).items():
                field = model._meta.get_field(name)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                self.links.setdefault(through, []).extend(
                    {source: obj.pk, target: pk} for pk in related
                )

    def restore(self, alias: str) -> None:
        # In the snapshot's order (Django sorts it so a row comes after those it points to);
        # the foreign keys are checked at the commit anyway. A raw insert, as Django's restore
        # saves: the values as they are (bulk_create would stamp auto_now_add fields afresh).
        with transaction.atomic(using=alias):
            for model, rows in [*self.rows.items(), *self.links.items()]:
                fields = [model._meta.get_field(name) for name in rows[0]]
                objs = [model(**row) for row in rows]
                model._base_manager.using(alias)._insert(objs, fields=fields, raw=True)


MIGRATED_ROWS: dict[str, MigratedRows] = {}


def _keep_serialized_contents(before: dict) -> None:
    """Take over the restore of the migrated rows from ``serialized_rollback``.

    Django keeps connections in a thread-local that, in a thread with a running event loop,
    switches to per-context storage, so from here on the test code gets new connection
    objects. The snapshot of the migrated database, taken when the test database was
    created, lives on the old ones. The new ones get an empty snapshot: Django then restores
    nothing itself but still flushes without re-running post_migrate (which would make the
    content types and permissions again under new ids), and ``_migrated_rows`` puts the rows
    back. The old connections, which the tests outside this package use, keep theirs.
    """
    for alias, old in before.items():
        snapshot = getattr(old, "_test_serialized_contents", None)
        if snapshot is not None:
            MIGRATED_ROWS[alias] = MigratedRows(snapshot)
            connections[alias]._test_serialized_contents = "[]"


def _start_empty() -> None:
    """Empty the database once before the first browser test, as each one's flush leaves it.

    Before it, the database holds the migrated rows (or whatever a test outside this package
    left), which ``_migrated_rows`` would insert a second time."""
    for alias in MIGRATED_ROWS:
        call_command(
            "flush", database=alias, interactive=False, verbosity=0, inhibit_post_migrate=True
        )


@pytest.fixture(autouse=True)
def _migrated_rows(browser, transactional_db) -> None:
    """Put back the migrated rows before the test makes its own (the roles its users need)."""
    for alias, rows in MIGRATED_ROWS.items():
        rows.restore(alias)


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
