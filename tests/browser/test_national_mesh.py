"""The national view of the mesh in a real Chromium: the map of the départements compared,
the sortable tables, a download, and no serious accessibility violation."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import axe_violations
from tests.places.factories import PlaceFactory, commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_compares_sorts_and_downloads(page_en):
    page_en.set_default_timeout(60_000)
    PlaceFactory(commune=commune("33063"))
    page_en.goto("/territoire/?region=all")
    map_ = page_en.locator("#national-map")
    expect(map_).to_have_attribute("data-ready", "true", timeout=120_000)  # a loaded machine
    expect(page_en.locator("#national-map path.leaflet-interactive")).to_have_count(12)
    rows = page_en.locator("#national-departements tbody tr")
    expect(rows).to_have_count(12)
    page_en.locator('#national-departements a[data-sort="share_covered"]').click()
    header = page_en.locator("#national-departements th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_have_attribute("data-code", "33")  # Gironde: the place is there
    with page_en.expect_download() as download:
        page_en.get_by_role("row", name="Per département").get_by_role("link", name="CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    codes = [r["code"] for r in csv.DictReader(io.StringIO(text))]
    assert len(codes) == 12 and "33" in codes
    assert not axe_violations(page_en)
