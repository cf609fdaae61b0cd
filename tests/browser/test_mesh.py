"""The territorial mesh in a real Chromium: a visitor reads the travel-time map, an instructor
runs a scenario in the background and sees the recommended sites listed and drawn."""

import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.browser.login import log_in
from tests.places.factories import PlaceFactory, commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_instructor_runs_a_scenario_and_sees_the_sites_on_the_map(page):
    for code in ("33063", "87085", "64445"):
        PlaceFactory(commune=commune(code))
    UserFactory(username="claire", instructor=True)
    log_in(page, "claire", next_url="/territoire/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maillage territorial")

    container = page.locator("#mesh-map")
    expect(container).to_have_attribute("aria-label", re.compile("."))
    expect(container).to_have_attribute("data-ready", "true", timeout=30_000)
    # The open places are drawn as points; communes on a canvas under them.
    expect(page.locator("path.mesh-place")).to_have_count(3)
    expect(page.locator(".leaflet-pane canvas").first).to_be_visible()

    # Invalid input: the form stays, keeps what was typed and says why.
    page.locator("#id_new").fill("500")
    page.locator("#scenario button[type=submit]").click()
    expect(page.locator("#scenario-errors")).to_be_focused()
    expect(page.locator("#id_new")).to_have_value("500")
    expect(page.locator("#id_new")).to_have_attribute("aria-invalid", "true")

    page.locator("#id_new").fill("3")
    page.locator("#id_demand_1").check()  # town halls: faster than the 1 km grid
    page.locator("#scenario button[type=submit]").click()

    result = page.locator("#scenario-result")
    expect(result.locator("table.scenario-sites tbody tr")).to_have_count(3, timeout=30_000)
    expect(page.locator("#scenario-errors")).to_have_count(0)
    sites = page.locator(".leaflet-marker-icon.mesh-site")
    expect(sites).to_have_count(3)
    expect(sites.first).to_have_text("1")
    expect(container).to_have_attribute("data-sites", "3")
    first_site = result.locator("table.scenario-sites tbody tr").first.locator("th")
    name = first_site.inner_text().split(" (")[0]
    expect(sites.first).to_have_attribute("title", re.compile(re.escape(name)))
    expect(result.get_by_role("link", name=re.compile("CSV")).first).to_have_attribute(
        "href", re.compile(r"/territoire/scenarios/\d+/sites\.csv$")
    )


def test_visitor_sees_the_map_and_the_tables_without_the_form(page):
    PlaceFactory(commune=commune("33063"))
    page.goto("/territoire/")
    expect(page.locator("#mesh-map")).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(page.locator("path.mesh-place")).to_have_count(1)
    expect(page.locator("#id_new")).to_have_count(0)
    expect(page.locator("table.white-zones tbody tr")).to_have_count(25)
    expect(page.get_by_role("row", name=re.compile("Gironde"))).to_be_visible()
