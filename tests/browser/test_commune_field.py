"""The commune field in a real Chromium (English interface): a citizen types "Bress" in the
proposal form, picks Bressuire from the autocomplete with the keyboard and sends the proposal;
the place page shows its small offline map with the names of the towns around."""

import contextlib
import re
import time

import pytest
from playwright.sync_api import expect

from tests.places.factories import PlaceFactory, commune
from tierslieux.places.models import PlaceProposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_en(browser, live_server, territory):
    context = browser.new_context(locale="en-US", base_url=live_server.url)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=15_000)
    context.close()
    time.sleep(0.2)


def test_citizen_picks_the_commune_from_the_autocomplete_and_proposes_a_place(page_en):
    page = page_en
    page.goto("/tiers-lieux/proposer/")
    page.get_by_label("Name of the tiers-lieu").fill("La Ruche du Bocage")
    page.get_by_label("Coworking / shared offices").check()

    field = page.locator("#id_commune")
    expect(field).to_have_attribute("role", "combobox")
    expect(field).to_have_attribute("aria-expanded", "false")
    field.press_sequentially("Bress", delay=40)
    option = page.get_by_role("option", name=re.compile("^Bressuire"))
    expect(option).to_be_visible()
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#id_commune_status")).to_contain_text("suggested")

    # Keyboard: down to the first suggestion (Bressuire, the largest), Enter chooses it.
    field.press("ArrowDown")
    first = page.locator("#id_commune_listbox [role=option]").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(field).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(first).to_contain_text("Bressuire")
    field.press("Enter")
    expect(field).to_have_value("Bressuire (79)")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(page.locator("input[name=commune_code]")).to_have_value("79049")

    page.get_by_label("Your name").fill("Camille")
    page.get_by_label("Your e-mail").fill("camille@example.org")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page).to_have_url(re.compile(r"/tiers-lieux/$"))
    proposal = PlaceProposal.objects.get()
    assert proposal.data["commune"] == "79049"
    assert proposal.data["name"] == "La Ruche du Bocage"


def test_escape_closes_the_suggestions_and_an_ambiguous_postcode_lists_choices(page_en):
    page = page_en
    page.goto("/tiers-lieux/proposer/")
    field = page.locator("#id_commune")
    field.press_sequentially("79300", delay=40)
    expect(page.locator("#id_commune_listbox [role=option]").first).to_be_visible()
    field.press("Escape")
    expect(field).to_have_attribute("aria-expanded", "false")
    page.get_by_label("Name of the tiers-lieu").fill("Le Lieu")
    page.get_by_role("button", name="Send the proposal").click()
    # The server lists the communes of 79300; choosing one keeps the text typed.
    expect(page.get_by_role("alert").filter(has_text="Several communes")).to_contain_text(
        "Several communes match “79300”"
    )
    page.get_by_label(re.compile(r"^Bressuire \(79\)")).check()
    expect(field).to_have_value("79300")


def test_place_page_shows_a_small_map_with_town_names(page_en):
    place = PlaceFactory(name="La Ruche du Bocage", commune=commune("79049"))
    page = page_en
    page.goto(f"/tiers-lieux/{place.pk}/")
    container = page.locator("#place-map")
    # The outlines are computed on first use (a few seconds on a busy machine).
    expect(container).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(container).to_have_attribute("data-town-labels", re.compile(r"^[1-9]\d*$"))
    expect(page.locator(".leaflet-tile")).to_have_count(0)  # offline: no tile server
    expect(page.locator("#place-map .place-marker")).to_have_count(1)
    expect(page.locator(".town-label__name", has_text="Bressuire")).to_be_visible()
    expect(page.locator("#place-location")).to_have_text("Located at the address.")


def test_map_page_names_the_larger_towns(page_en):
    page = page_en  # no place: the map shows the whole region
    page.goto("/tiers-lieux/carte/")
    container = page.locator("#place-map")
    # The outlines are computed on first use (a few seconds on a busy machine).
    expect(container).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(container).to_have_attribute("data-town-labels", re.compile(r"^[1-9]\d*$"))
    expect(page.locator(".town-label__name", has_text="Limoges")).to_be_visible()
    # At the region's zoom, only the larger towns: no village.
    expect(page.locator(".town-label__name", has_text="Boismé")).to_have_count(0)
