"""The Content Security Policy in a real Chromium (ADR 0013): the main pages, the map, the mesh,
the dashboard, an application page and the API docs run without a single CSP violation or
console error; the focus still moves to a refused submission's errors (no inline script)."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.login import log_in
from tests.calls.factories import ApplicationFactory, holder_user
from tests.places.factories import PlaceFactory, commune
from tierslieux.core.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's CSP: they record every violation.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(browser, live_server, territory):
    context = browser.new_context(
        locale="en-US", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []

    def on_console(message):
        # The browser's own request for /favicon.ico is not a page's error.
        if message.type == "error" and "favicon.ico" not in message.location.get("url", ""):
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    yield page
    page.wait_for_load_state("networkidle")
    context.close()


def _visit(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()}
    violations = sorted(set(page.evaluate("window.__cspViolations")))
    assert violations == [], f"{url}: {violations}"
    assert page.errors == [], f"{url}: {page.errors}"


def test_no_csp_violation_on_the_main_pages(watched):
    for code in ("33063", "24322", "87085"):
        PlaceFactory(commune=commune(code))
    user = holder_user(username="holder")
    for role in (Role.READER,):
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    # Incomplete (no summary): its submission is refused.
    application = ApplicationFactory(organisation=user.organisation, summary="")

    for url in ("/", "/tiers-lieux/", "/tiers-lieux/carte/", "/tiers-lieux/pres-de-chez-moi/"):
        _visit(watched, url)
    _visit(watched, "/tiers-lieux/carte/")
    expect(watched.locator("#place-map.leaflet-container")).to_be_visible()
    _visit(watched, "/api/docs")
    expect(watched.locator("#swagger-ui .opblock").first).to_be_visible()

    log_in(watched, "holder")
    _visit(watched, "/territoire/")
    _visit(watched, "/tableau-de-bord/")
    _visit(watched, f"/appels/dossiers/{application.pk}/modifier/")
    _visit(watched, f"/appels/dossiers/{application.pk}/")

    # A refused submission: the errors' summary takes the focus (static/js/autofocus.js).
    watched.locator("#submit-application").click()
    expect(watched.locator("#submit-errors")).to_be_focused()
    assert watched.evaluate("window.__cspViolations") == []
    assert re.search(r"/appels/dossiers/\d+/", watched.url)
