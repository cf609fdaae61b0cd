"""The dashboard in a real Chromium: an elected official reads the key figures, narrows them to
a département, then generates the yearly report and downloads it."""

import io
import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.browser.login import log_in
from tests.places.factories import PlaceFactory, commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_filters_the_dashboard_and_downloads_the_report(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    for code in ("33063", "33063", "33529", "87085"):
        PlaceFactory(commune=commune(code))
    UserFactory(username="elue", reader=True)
    page.set_default_timeout(120_000)
    log_in(page, "elue", next_url="/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    open_places = page.locator('[data-figure="open_places"] .figure__value')
    expect(open_places).to_have_text("4")
    # Every chart is an image with a name, and its table is beside it.
    expect(page.locator("svg[role=img]").first).to_have_attribute(
        "aria-labelledby", re.compile(".")
    )
    expect(page.locator("#departement-table tbody tr")).to_have_count(13)

    # Narrow to Haute-Vienne: the figures update in place (HTMX), the address follows.
    page.get_by_label("Territoire", exact=True).select_option("87")
    expect(open_places).to_have_text("1")
    expect(page).to_have_url(re.compile(r"departement=87"))
    expect(page.locator("#dashboard-body")).to_have_attribute("data-departement", "87")

    # Generate the report of what the page shows and download the PDF.
    button = page.locator("#report-generate")
    expect(button).to_contain_text("Haute-Vienne")
    button.click()
    link = page.locator("#report-pdf")
    expect(link).to_be_visible(timeout=180_000)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith("-87.pdf")
    data = Path(download.path()).read_bytes()
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Haute-Vienne" in text
    expect(page.locator("#report-xlsx")).to_be_visible()
