"""The match kept current (places open or close: ``places.changes``), the projects near an
offer, the offer's photos served safely and the layer of the public map."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.agreements.factories import JournalEntryFactory
from tests.calls.factories import ApplicationFactory
from tests.places.factories import commune
from tests.premises.conftest import offer_values
from tierslieux.places.services_write import place_create, place_update
from tierslieux.premises import services
from tierslieux.premises.models import PremisesPhoto
from tierslieux.premises.selectors_interest import offer_nearby_projects
from tierslieux.territory import mesh

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _published(by, code="23096", **overrides):
    offer = services.premises_offer_create(values=offer_values(code, **overrides), by=by)
    return services.premises_offer_transition(offer=offer, to="published", by=by)


def test_opening_and_closing_a_place_recomputes_the_match(
    authority_user, instructor, django_capture_on_commit_callbacks
):
    offer = _published(authority_user)
    before = offer.inhabitants_brought
    assert before > 0 and offer.creation_eligible is True
    gueret = commune("23096")
    with django_capture_on_commit_callbacks(execute=True):
        place = place_create(
            data={
                "name": "Tiers-lieu de Guéret",
                "commune": "23096",
                "lon": gueret.lon,
                "lat": gueret.lat,
                "state": "open",
                "opened_on": datetime.date(2020, 1, 1),
                "is_published": True,
            },
            by=instructor,
        )
    offer.refresh_from_db()
    params = mesh.MeshParams.from_settings()
    assert (
        offer.inhabitants_brought
        == 0
        == mesh.site_marginal_gain(params, lon=offer.lon, lat=offer.lat)
    )
    assert offer.creation_eligible is False and offer.minutes_to_nearest_place == 0.0
    with django_capture_on_commit_callbacks(execute=True):
        place_update(
            place=place,
            data={"state": "closed", "closed_on": datetime.date(2021, 1, 1)},
            by=instructor,
        )
    offer.refresh_from_db()
    assert offer.inhabitants_brought == before and offer.creation_eligible is True


def test_projects_within_the_threshold_are_shown_to_those_managing_the_offer(
    client, authority_user, instructor
):
    offer = _published(authority_user)
    ApplicationFactory(commune=commune("23096"), title="Projet brouillon")
    ApplicationFactory(commune=commune("23096"), title="Projet déposé", submitted=True)
    ApplicationFactory(commune=commune("64102"), title="Loin", submitted=True)  # Bayonne
    JournalEntryFactory(commune=commune("23096"), project_label="Idée locale")
    JournalEntryFactory(commune=commune("23096"), project_label="Financé", stage="funded")
    nearby = offer_nearby_projects(user=instructor, offer=offer)
    assert (nearby.drafts, nearby.submitted, nearby.pipeline) == (1, 1, 1)
    assert sorted(r.label for r in nearby.rows) == ["Idée locale", "Projet déposé"]
    for_authority = offer_nearby_projects(user=authority_user, offer=offer)
    assert (for_authority.drafts, for_authority.submitted, for_authority.pipeline) == (1, 1, 1)
    assert for_authority.rows == ()  # counts only: the applications are not the authority's
    assert offer_nearby_projects(user=UserFactory(holder=True), offer=offer) is None
    client.force_login(authority_user)
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert 'id="nearby-counts"' in page and "Projet déposé" not in page
    client.force_login(instructor)
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert "Projet déposé" in page and "Idée locale" in page


def test_photos_are_shown_and_served_only_as_checked_images(client, authority_user):
    offer = services.premises_offer_create(
        values=offer_values(),
        by=authority_user,
        photos=[SimpleUploadedFile("facade.png", PNG, content_type="image/png")],
    )
    photo = PremisesPhoto.objects.get()
    url = reverse("premises:photo_view", args=[photo.pk])
    assert client.get(url).status_code in (302, 404)  # a draft: not public
    services.premises_offer_transition(offer=offer, to="published", by=authority_user)
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).content.decode()
    assert f'src="{url}"' in page and 'alt="facade.png"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    # A row whose type is not a checked image (altered in the database) is never served.
    PremisesPhoto.objects.filter(pk=photo.pk).update(content_type="text/html")
    assert client.get(url).status_code == 404


def test_the_public_map_has_a_premises_layer(client, authority_user):
    offer = _published(authority_user)
    page = client.get(reverse("places:place_map"), **EN).content.decode()
    start = page.index('id="map-config"')
    config = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    [layer] = [x for x in config["extraLayers"] if x["key"] == "premises"]
    assert layer["url"] == reverse("premises:offer_geojson")
    assert layer["figureLabel"] == (
        "%(count)s inhabitants would newly have a tiers-lieu within 20 minutes"
    )
    assert "<script>" not in page.replace('<script id="map-config"', "")  # no inline script
    feed = json.loads(client.get(layer["url"]).content)
    [feature] = feed["features"]
    assert feature["properties"]["url"] == reverse("premises:offer_detail", args=[offer.pk])
    assert feature["properties"]["figure"] == offer.inhabitants_brought
