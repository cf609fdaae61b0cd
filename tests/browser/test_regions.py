"""A visitor switches the public pages between Nouvelle-Aquitaine, Auvergne-Rhône-Alpes and
every region served, with the switcher's links (no JavaScript needed), and the places listed
change with the choice: the directory, the map (its markers come from the map data of the
region chosen) and the open data page (ADR 0030). Rendered in English (``page_en``: locale
en-US and the ``django_language=en`` cookie); axe finds no serious violation in the switcher."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations
from tests.places.second_region import two_regions_serve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _forget_the_second_region():
    """The map's outlines are cached (per process) without a key for the territory loaded:
    drop the copy that holds the hand-made départements, so that later tests see their own."""
    yield
    cache.clear()


REGION_84 = ["Atelier lyonnais", "Coworking de Villeurbanne", "Fablab grenoblois"]
REGION_75 = ["Coworking bordelais", "Tiers-lieu limougeaud"]


def _cards(page):
    return page.locator(".place-card__title")


def _expect_only(page, names):
    expect(_cards(page)).to_have_count(len(names))
    for name in names:
        expect(_cards(page).filter(has_text=name)).to_have_count(1)


def test_visitor_switches_between_two_regions_and_all_of_them(page_en, settings):
    two_regions_serve(settings)
    page = page_en

    page.goto("/tiers-lieux/")
    switcher = page.get_by_role("navigation", name="Territory shown")
    expect(switcher.get_by_role("link", name="All regions")).to_have_attribute(
        "aria-current", "page"
    )
    _expect_only(page, REGION_84 + REGION_75)
    # The switcher and the region select add no serious accessibility violation.
    assert axe_violations(page) == []

    switcher.get_by_role("link", name="Nouvelle-Aquitaine").click()
    expect(page).to_have_url(re.compile(r"region=75"))
    _expect_only(page, REGION_75)
    expect(page.get_by_label("Region")).to_have_value("75")

    page.get_by_role("navigation", name="Territory shown").get_by_role(
        "link", name="Auvergne-Rhône-Alpes"
    ).click()
    _expect_only(page, REGION_84)
    # The filter form offers the chosen region's départements: Isère keeps one place.
    page.get_by_label("Département").select_option("38")
    page.get_by_role("button", name="Search").click()
    _expect_only(page, ["Fablab grenoblois"])
    # Choosing another region in the form (HTMX updates the results on change) reloads the
    # page: the switcher and the département choices follow.
    page.get_by_label("Region").select_option("75")
    expect(
        page.get_by_role("navigation", name="Territory shown").get_by_role(
            "link", name="Nouvelle-Aquitaine"
        )
    ).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Département").locator('option[value="33"]')).to_have_count(1)
    _expect_only(page, REGION_75)

    # The map of the region chosen: its markers come from that region's map data.
    page.goto("/tiers-lieux/carte/?region=84")
    container = page.locator("#place-map")
    expect(container).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(container).to_have_attribute("data-places", "3")
    expect(page.locator(".lead")).to_contain_text("The tiers-lieux of Auvergne-Rhône-Alpes")
    page.get_by_role("navigation", name="Territory shown").get_by_role(
        "link", name="Nouvelle-Aquitaine"
    ).click()
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(page.locator("#place-map")).to_have_attribute("data-places", "2")
    page.get_by_role("navigation", name="Territory shown").get_by_role(
        "link", name="All regions"
    ).click()
    expect(page.locator("#place-map")).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(page.locator("#place-map")).to_have_attribute("data-places", "5")

    # The open data page links the chosen region's files.
    page.goto("/donnees/?region=84")
    csv_link = page.locator('a[href^="/tiers-lieux/donnees/tiers-lieux.csv"]').first
    expect(csv_link).to_have_attribute("href", re.compile(r"region=84$"))
