"""The public map and "near me" in a real Chromium: clustered markers on our own outlines, and
a visitor who types the beginning of a commune, picks it and reads the places by travel time."""

import re

import pytest
from playwright.sync_api import expect

from tests.places.factories import PlaceFactory, commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_sees_clustered_places_on_the_map(page):
    for i in range(6):
        PlaceFactory(name=f"Coworking bordelais {i}")  # same point: one cluster of 6
    PlaceFactory(name="Atelier de Biarritz", commune=commune("64122"))
    PlaceFactory(name="Brouillon", commune=commune("87085"), unpublished=True)

    page.goto("/tiers-lieux/carte/")

    container = page.locator("#place-map")
    expect(container).to_have_attribute("aria-label", re.compile("."))
    # The département outlines are computed on first use: seconds on a busy machine.
    expect(container).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(container).to_have_attribute("data-places", "7")
    # No tile server: the 12 département outlines are the background.
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    # Leaflet draws only the outlines in view (the map fits the places): count what was loaded.
    expect(container).to_have_attribute("data-departements", "12")
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_visible()
    cluster = page.locator(".marker-cluster")
    expect(cluster).to_have_count(1)
    expect(cluster).to_have_text("6")
    expect(page.locator(".leaflet-marker-icon.place-marker")).to_have_count(1)
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("CGET / ANCT")
    expect(page.locator("#map-status")).to_contain_text("7")

    # A single place opens its popup with a link to its page.
    page.locator(".leaflet-marker-icon.place-marker").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Atelier de Biarritz")
    expect(popup.get_by_role("link", name="Atelier de Biarritz")).to_have_attribute(
        "href", re.compile(r"^/tiers-lieux/\d+/$")
    )

    page.locator(".leaflet-popup-close-button").click()
    expect(popup).to_have_count(0)

    # Selecting the cluster zooms in until its places show (spread around their common point).
    cluster.click()
    expect(page.locator(".leaflet-marker-icon.place-marker")).to_have_count(7, timeout=15_000)

    # The accessible alternative lists the same places.
    table = page.locator("#map-list table")
    expect(table.locator("tbody tr")).to_have_count(7)
    expect(table).not_to_contain_text("Brouillon")


def test_visitor_finds_the_places_near_home(page):
    PlaceFactory(name="Cowork Biarritz", commune=commune("64122"))
    PlaceFactory(name="Fablab Bayonne", commune=commune("64102"))
    PlaceFactory(name="Tiers-lieu Pau", commune=commune("64445"))

    page.goto("/tiers-lieux/pres-de-chez-moi/")
    field = page.locator("#near-q")
    field.press_sequentially("Biarr", delay=40)
    option = page.get_by_role("option", name=re.compile("^Biarritz"))
    expect(option).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    option.click()

    within = page.locator(".near-group--within .near-list > li")
    expect(within).to_have_count(2)
    expect(within.nth(0)).to_contain_text("Cowork Biarritz")
    expect(within.nth(1)).to_contain_text("Fablab Bayonne")
    expect(page.locator("#near-within-title")).to_contain_text("20")
    further = page.locator(".near-group--further .near-list > li")
    expect(further).to_have_count(1)
    expect(further.nth(0)).to_contain_text("Tiers-lieu Pau")
    expect(page.locator("#near-status")).to_contain_text("Biarritz")
    expect(page).to_have_url(re.compile(r"[?&]code=64122"))
    expect(field).to_have_value("Biarritz")

    # With the keyboard only: type, arrow down, Enter.
    field.fill("")
    field.press_sequentially("Pau", delay=40)
    expect(page.get_by_role("option", name=re.compile("^Pau "))).to_be_visible()
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", "near-option-0")
    field.press("Enter")
    expect(page.locator(".near-group--within .near-list > li")).to_have_count(1)
    expect(page.locator(".near-group--within")).to_contain_text("Tiers-lieu Pau")
    expect(page).to_have_url(re.compile(r"[?&]code=64445"))


def test_unknown_commune_is_explained_next_to_the_field(page):
    page.goto("/tiers-lieux/pres-de-chez-moi/")
    field = page.locator("#near-q")
    field.fill("Atlantide")
    page.locator("#near-form button[type=submit]").click()
    expect(page.locator("#near-q-error")).to_contain_text("Atlantide")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value("Atlantide")
