"""The network's side in a real Chromium (issue 16, ADR 0033): the upcoming sessions drawn on
the map (under the site's CSP), and the Région reading a programme's objectives against the
figures computed from the records, then tying a yearly grant."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.dashboard.factories import OtherGrantFactory
from tests.network.factories import ObjectiveFactory, ProgrammeFactory
from tests.places.factories import PlaceFactory, commune
from tests.training.factories import SessionFactory
from tierslieux.core import clock
from tierslieux.network.models import ObjectiveKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sessions_are_drawn_on_the_map(page):
    SessionFactory(place=PlaceFactory(name="La Ruche", commune=commune("87085")))
    SessionFactory(place=PlaceFactory(name="Le Hangar", commune=commune("33063")))
    page.goto("/formations/sessions/carte/")
    container = page.locator("#sessions-map")
    expect(container).to_have_attribute("data-ready", "true", timeout=60_000)
    expect(container).to_have_attribute("data-markers", "2")
    page.locator(".leaflet-marker-icon.place-marker").first.click()
    expect(page.locator(".leaflet-popup-content a").first).to_be_visible()


def test_the_region_reads_the_programme_and_ties_a_grant(page_en, login_as):
    year = clock.today().year
    programme = ProgrammeFactory(
        title="Partenariat réseau",
        starts_on=datetime.date(year - 1, 1, 1),
        ends_on=datetime.date(year + 1, 12, 31),
    )
    ObjectiveFactory(
        programme=programme, year=year - 1, kind=ObjectiveKind.TRAININGS_DELIVERED, target=2
    )
    past = datetime.datetime(year - 1, 5, 10, 9, tzinfo=datetime.UTC)
    SessionFactory(starts_at=past, ends_at=past + datetime.timedelta(hours=7))
    grant = OtherGrantFactory(year=year, label="Soutien au réseau de l'année")
    login_as(page_en, UserFactory(instructor=True))
    page_en.goto(programme.get_absolute_url())
    row = page_en.locator(f"#year-{year - 1} tr[data-kind=trainings_delivered]")
    expect(row.locator(".target")).to_have_text("2")
    expect(row.locator(".computed")).to_have_text("1")
    expect(row).to_contain_text("not reached (50 %)")
    page_en.get_by_role("button", name="Tie to the programme").click()
    expect(page_en.locator(f"#programme-grants tr[data-grant='{grant.pk}']")).to_contain_text(
        "Soutien au réseau de l'année"
    )
