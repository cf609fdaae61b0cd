"""The training catalogue in a real Chromium (issue 16, "Done when"): a network user creates a
course and a session in a tiers-lieu; a visitor registers and gets the confirmation; the session
is full and the next visitor is waitlisted; a cancellation by the personal link promotes the
waitlisted person (e-mail); the network records attendance and the certificate PDF downloads."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tierslieux.core import clock
from tierslieux.training.models import Registration

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(page, session_url, name, email):
    page.goto(session_url)
    page.locator("#id_name").fill(name)
    page.locator("#id_email").fill(email)
    page.locator("#registration-form button[type=submit]").click()
    expect(page.locator("#registration-form")).to_be_visible()


def test_the_training_journey(live_server, page_en, login_as, browser):
    place = PlaceFactory(name="La Ruche du Bocage")
    network = UserFactory(network=True)
    login_as(page_en, network)

    # The network creates a course, then a session of one seat in a tiers-lieu.
    page_en.goto("/formations/nouvelle/")
    page_en.locator("#id_title").fill("Faciliter un tiers-lieu")
    page_en.locator("#id_objectives").fill("Animer une communauté.")
    page_en.locator("#id_audience").fill("Facilitateurs")
    page_en.locator("#id_duration_hours").fill("14")
    page_en.locator("#id_price_euros").fill("300")
    page_en.locator("#id_rncp_code").fill("RNCP37421")
    page_en.locator("#id_trainer").fill("Camille")
    page_en.locator("#course-form button[type=submit]").click()
    expect(page_en.get_by_role("heading", level=1)).to_have_text("Faciliter un tiers-lieu")
    page_en.get_by_role("link", name="New session").click()
    starts = timezone.localtime(clock.now() + datetime.timedelta(days=10)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    page_en.locator("#id_place").select_option(str(place.pk))
    page_en.locator("#id_starts_at").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page_en.locator("#id_ends_at").fill(starts.replace(hour=17).strftime("%Y-%m-%dT%H:%M"))
    page_en.locator("#id_seats").fill("1")
    page_en.locator("#session-form button[type=submit]").click()
    expect(page_en.locator("#session-facts")).to_contain_text("La Ruche du Bocage")
    session_url = page_en.url

    # Two visitors register: the first gets the seat, the second the waiting list.
    visitor = browser.new_context(locale="en-US", base_url=live_server.url)
    visitor.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    public = visitor.new_page()
    public.set_default_timeout(15_000)
    _register(public, session_url, "Alex Martin", "alex@example.org")
    _register(public, session_url, "Sam Durand", "sam@example.org")
    states = dict(Registration.objects.values_list("email", "state"))
    assert states == {"alex@example.org": "registered", "sam@example.org": "waitlisted"}
    assert [m.to for m in mail.outbox] == [["alex@example.org"], ["sam@example.org"]]

    # Alex cancels through the link of the e-mail: Sam is promoted and told so.
    path = re.search(r"/formations/annulation/[^/\s]+/", mail.outbox[0].body).group(0)
    public.goto(path)
    public.locator("#cancel-form button[type=submit]").click()
    expect(public.locator("#cancel-done")).to_be_visible()
    assert Registration.objects.get(email="sam@example.org").state == "registered"
    assert any(m.to == ["sam@example.org"] and "seat" in m.subject for m in mail.outbox)
    visitor.close()

    # The network records Sam's attendance and downloads the certificate.
    sam = Registration.objects.get(email="sam@example.org")
    page_en.goto(session_url + "presences/")
    page_en.locator(f"#registration-{sam.pk} button[type=submit]").click()
    link = page_en.locator(f"#registration-{sam.pk} a")
    expect(link).to_be_visible()
    with page_en.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"attestation-{sam.pk}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
