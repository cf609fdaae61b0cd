"""Main journeys in a real Chromium: a visitor reads the region's figures and moves around with
the keyboard (the instructor's background scenario is in test_mesh.py)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_reads_the_region_figures_and_navigates_with_the_keyboard(page):
    page.goto("/")
    expect(page).to_have_title(re.compile("Tiers-lieux"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiers-lieux en Nouvelle-Aquitaine")
    figures = page.locator(".figures")
    expect(figures).to_contain_text("4\u202f293")
    expect(figures).to_contain_text("50,66\u00a0%")

    # The skip link is the first stop of the keyboard and moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu principal")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Maillage territorial"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maillage territorial")
    expect(page.get_by_role("row", name=re.compile("Gironde"))).to_be_visible()

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Territorial mesh")
