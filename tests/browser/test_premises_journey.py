"""Issue 15, Done when: an authority publishes a building in a white-zone commune through the
pages; it appears on the public map with the inhabitants it would bring within 20 minutes (the
mesh's ``site_marginal_gain`` at its point); a holder says its project is interested; the
authority accepts; a premises agreement exists with the rent. English interface."""

import contextlib
import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import OrganisationFactory, UserFactory
from tests.browser.login import log_in
from tests.browser.test_accessibility import axe_violations
from tests.calls.factories import ApplicationFactory, CallFactory
from tierslieux.accounts.models import OrganisationKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english(browser, live_server, territory):
    """``english(user)``: a page of its own in the English interface, logged in as ``user``."""
    contexts = []

    def open_page(user):
        # bypass_csp: the axe script is injected by the test, not served by the product.
        context = browser.new_context(locale="en-US", base_url=live_server.url, bypass_csp=True)
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return log_in(page, user.username)

    yield open_page
    for context in contexts:
        with contextlib.suppress(Exception):
            context.pages[0].wait_for_load_state("networkidle", timeout=15_000)
        context.close()


def test_an_authority_offers_a_building_a_holder_moves_in(english):
    from tierslieux.agreements.models import PremisesAgreement
    from tierslieux.premises.models import PremisesOffer
    from tierslieux.territory import mesh

    town_hall = OrganisationFactory(name="Commune de Guéret", kind=OrganisationKind.COMMUNE)
    authority = UserFactory(authority=True, organisation=town_hall)
    collective = OrganisationFactory(name="Collectif creusois")
    holder = UserFactory(holder=True, organisation=collective)
    ApplicationFactory(
        call=CallFactory(creation=True),
        organisation=collective,
        created_by=holder,
        title="La Fabrique creusoise",
        commune=None,
    )

    # The authority offers its building through the form, then publishes it.
    page = english(authority)
    page.goto("/locaux-vacants/nouveau/")
    page.get_by_label("Name of the building").fill("Ancienne école Jules Ferry")
    page.locator("#id_commune").fill("Guéret")
    page.get_by_label("Address").fill("2 rue de l'École")
    page.get_by_label("Surface (m²)").fill("150")
    page.get_by_label("Rooms").fill("6")
    page.get_by_label("State of the building").select_option("light_works")
    page.get_by_label("Proposed rent (€ per m² and month)").fill("4")
    page.get_by_label("Reference market rent (€ per m² and month)").fill("8")
    page.get_by_label("Contact name").fill("Service du patrimoine")
    page.get_by_label("Contact e-mail").fill("patrimoine@gueret.example")
    page.locator("#offer-form button[type=submit]").click()
    expect(page.locator("#offer-state")).to_have_text("Draft")
    page.locator("button[data-target=published]").click()
    expect(page.locator("#offer-state")).to_have_text("Published")

    offer = PremisesOffer.objects.get()
    assert offer.commune_id == "23096" and offer.white_zone is True
    gain = mesh.site_marginal_gain(mesh.MeshParams.from_settings(), lon=offer.lon, lat=offer.lat)
    assert gain > 0
    expect(page.locator("#inhabitants-brought")).to_have_text(str(gain))

    # The public map draws it, with the inhabitants it would bring within 20 minutes.
    page.goto("/tiers-lieux/carte/")
    container = page.locator("#place-map")
    expect(container).to_have_attribute("data-layer-premises", "1")
    page.locator(".leaflet-marker-icon.map-marker--premises").click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link", name="Ancienne école Jules Ferry")).to_be_visible()
    figure = popup.locator(".place-popup__figure")
    expect(figure).to_have_attribute("data-figure", str(gain))
    expect(figure).to_contain_text("within 20 minutes")

    # A holder says its application is interested.
    holder_page = english(holder)
    holder_page.goto(f"/locaux-vacants/{offer.pk}/")
    expect(holder_page.locator("#offer-address")).to_have_text("2 rue de l'École")
    holder_page.get_by_label("Your project").select_option(
        label="Application: La Fabrique creusoise"
    )
    assert not axe_violations(holder_page)
    holder_page.get_by_role("button", name="Say my project is interested").click()
    expect(holder_page.locator("#interests .interest-state")).to_have_text("Interested")

    # The authority sees it with its eligibility and accepts it.
    page.goto(f"/locaux-vacants/{offer.pk}/")
    row = page.locator("#interest-list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(".ami-eligibility")).to_contain_text("works support may be offered")
    expect(row.locator(".creation-eligibility")).to_contain_text("eligible")
    assert not axe_violations(page), axe_violations(page)
    row.get_by_role("button", name="Accept this project").click()
    expect(page).to_have_url(re.compile(r"/conventions/locaux/\d+/$|/locaux/\d+/$"))
    expect(page.locator("#premises-facts")).to_contain_text("La Fabrique creusoise")

    agreement = PremisesAgreement.objects.get()
    # 4 € per m² and month x 150 m² x 12 months = 7,200 € a year.
    assert agreement.yearly_rent_cents == 720_000
    assert agreement.authority == town_hall and agreement.works_eligible is True
    offer.refresh_from_db()
    assert offer.state == "reserved"
    holder_page.reload()
    expect(holder_page.locator("#interests .interest-state")).to_have_text("Accepted")
