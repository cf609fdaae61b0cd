"""Defects of issue 12 seen in a real Chromium: field errors in one column, pages that fit a
390 px wide phone, scroll regions reachable by the keyboard, and the yearly report generated
for the filters shown even while the figures are refreshing."""

import io
import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from tests.browser.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_field_errors_read_in_one_column(page_en):
    page_en.goto("/tiers-lieux/proposer/")
    page_en.locator("form.form button[type=submit]").click()
    errors = page_en.locator("ul.errorlist").first
    expect(errors).to_be_visible()
    assert errors.evaluate("e => getComputedStyle(e).columnCount") == "auto"


# The innermost elements reaching past the right edge (to say what to fix when this fails).
WIDEST = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.right <= 391) return false;
    for (let p = e.parentElement; p; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') return false;
    }
    if (getComputedStyle(e).overflowX !== 'visible') return true;  // its own box is too wide
    return ![...e.children].some(c => c.getBoundingClientRect().right > 391);
}).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' +
    Math.round(e.getBoundingClientRect().right))"""


# Elements whose content (text, a pseudo-element) spills past their own box, past the edge.
SPILLING = """() => [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return getComputedStyle(e).overflowX === 'visible' && r.left + e.scrollWidth > 391
        && e.scrollWidth > e.clientWidth + 1;
}).slice(-8).map(e => 'spill ' + e.tagName + '.' + e.className + '#' + e.id + ' ' +
    Math.round(e.getBoundingClientRect().left + e.scrollWidth))"""


def _fits(page, url: str) -> None:
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(WIDEST) + page.evaluate(SPILLING)
    assert width <= 390, f"{url} is {width} px wide: {wide}"


def test_pages_fit_a_390_px_wide_screen(page_en, login_as):
    page_en.set_default_timeout(90_000)
    page_en.set_viewport_size({"width": 390, "height": 844})
    world = build_world()
    pages = {role: dict(world.pages[role]) for role in world.pages}
    _fits(page_en, pages["public"]["place"])
    _fits(page_en, pages["public"]["api-docs"])
    expect(page_en.locator("#swagger-ui .opblock").first).to_be_visible()
    _fits(page_en, pages["public"]["api-docs"])
    login_as(page_en, world.users["holder"])
    _fits(page_en, pages["holder"]["application form"])
    login_as(page_en, world.users["instructor"])
    _fits(page_en, pages["instructor"]["agreements"])
    # Tables wider than the screen scroll inside a region the keyboard reaches, with a name.
    for region in page_en.locator(".table-wrap").all():
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")


def test_dashboard_tables_scroll_in_named_keyboard_regions(page_en, login_as):
    page_en.set_default_timeout(90_000)
    page_en.set_viewport_size({"width": 390, "height": 844})
    build_world()
    page_en.goto("/tableau-de-bord/")
    regions = page_en.locator("#dashboard-body .table-wrap")
    assert regions.count() > 3
    for region in regions.all():
        assert region.get_attribute("tabindex") == "0", region.inner_html()[:200]
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    # Nothing is clipped: what does not fit scrolls inside its region, the page does not.
    assert page_en.evaluate("document.documentElement.scrollWidth") <= 390
    clipped = page_en.evaluate(
        """() => [...document.querySelectorAll('#dashboard-body table')].filter(t => {
            const box = t.parentElement;
            const style = getComputedStyle(box);
            return t.scrollWidth > box.clientWidth + 1 && style.overflowX !== 'auto'
                && style.overflowX !== 'scroll';
        }).map(t => t.id || t.className || t.querySelector('caption')?.textContent)"""
    )
    assert clipped == []


def test_the_report_follows_the_filters_shown_even_during_a_refresh(
    page_en, login_as, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    page_en.set_default_timeout(180_000)
    world = build_world()
    login_as(page_en, world.users["reader"])
    page_en.goto("/tableau-de-bord/")
    expect(page_en.locator("#report-generate")).to_be_visible()

    # Hold the refresh of the figures: the user changes the territory and, before the new
    # figures arrive, asks for the report.
    held = []
    page_en.route(re.compile(r"/tableau-de-bord/\?"), lambda route: held.append(route))
    page_en.locator("#id_departement").select_option("87")
    while not held:
        page_en.wait_for_timeout(50)
    page_en.locator("#report-generate").click()
    link = page_en.locator("#report-pdf")
    expect(link).to_be_visible(timeout=180_000)
    assert link.get_attribute("href")

    # The refresh arrives: the report's links stay, the button names the new territory.
    held[0].continue_()
    page_en.unroute(re.compile(r"/tableau-de-bord/\?"))
    expect(page_en.locator("#dashboard-body")).to_have_attribute(
        "data-departement", "87", timeout=180_000
    )
    expect(link).to_be_visible()
    expect(page_en.locator("#report-generate")).to_contain_text("Haute-Vienne")

    with page_en.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith("-87.pdf")
    data = Path(download.path()).read_bytes()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Haute-Vienne" in text
