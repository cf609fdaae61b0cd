"""Browser tests: Playwright drives the system's Chromium (Debian package), never a download."""

import contextlib
import os
import shutil
import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"No Chromium at {path}: apt-get install chromium, or set CHROMIUM_PATH")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def territory(transactional_db):
    """The real territory; transactional tests flush the database, so put it back when needed
    (from the copy taken after the session's load, tests/conftest.py)."""
    from tests.conftest import territory_restore

    territory_restore()


@pytest.fixture
def page(browser, live_server, territory):
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    # Let the live server finish the page's requests (map outlines, polls) before the test's
    # database is flushed: SQLite refuses to empty a table another thread is reading.
    with contextlib.suppress(Exception):  # a page still polling must not fail the teardown
        page.wait_for_load_state("networkidle", timeout=15_000)
    context.close()
    time.sleep(0.2)


@pytest.fixture
def login_as(live_server):
    """``login_as(page, user)``: the page's browser context gets the user's session cookie
    (Django's test client logs the user in; no form to fill)."""
    from django.conf import settings
    from django.test import Client

    def log_in(page, user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
        )
        return page

    return log_in


@pytest.fixture
def session(browser, live_server, territory):
    """``session(user)``: a page of its own (own cookies) logged in as ``user`` through the form."""
    from tests.browser.login import log_in

    contexts = []

    def open_session(user):
        context = browser.new_context(locale="fr-FR", base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return log_in(page, user.username)

    yield open_session
    for context in contexts:
        context.close()


@pytest.fixture
def page_en(browser, live_server, territory):
    """A page in the English interface (new strings have no French yet when tests are written)."""
    # bypass_csp: the axe script is injected by the test, not served by the product.
    context = browser.new_context(locale="en-US", base_url=live_server.url, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=15_000)
    context.close()
    time.sleep(0.2)
