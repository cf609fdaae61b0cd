"""The pages of the premises on offer: forms keep what was typed, who sees what."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.premises.conftest import offer_values
from tierslieux.premises import services
from tierslieux.premises.models import PremisesOffer

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _form_data(**overrides):
    data = {
        "title": "Ancienne poste",
        "commune": "Guéret",
        "address": "3 rue de la Poste",
        "lon": "",
        "lat": "",
        "surface_m2": "120.5",
        "rooms": "4",
        "building_state": "ready",
        "rent_per_m2_month": "3.20",
        "reference_rent_per_m2_month": "8",
        "available_on": "2027-03-01",
        "accessible": "on",
        "contact_name": "Mairie",
        "contact_email": "mairie@example.org",
    }
    data.update(overrides)
    return data


def test_an_authority_offers_a_building_through_the_page(client, authority_user):
    client.force_login(authority_user)
    response = client.post(reverse("premises:offer_create"), _form_data(), **EN)
    offer = PremisesOffer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("premises:offer_detail", args=[offer.pk])
    assert offer.authority == authority_user.organisation and offer.commune_id == "23096"
    page = client.get(response["Location"], **EN)
    assert page.status_code == 200
    assert b'id="offer-address"' in page.content
    response = client.post(
        reverse("premises:offer_transition", args=[offer.pk]), {"to": "published"}, **EN
    )
    offer.refresh_from_db()
    assert offer.state == "published" and offer.inhabitants_brought is not None
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN)
    assert f'id="inhabitants-brought">{offer.inhabitants_brought}<'.encode() in page.content


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"rent_per_m2_month": "-2"}, "rent_per_m2_month"),
        ({"surface_m2": "-5"}, "surface_m2"),
        ({"lon": "2.35", "lat": "48.85"}, "lon"),
        (
            {"photo": SimpleUploadedFile("facade.jpg", b"plain text", content_type="image/jpeg")},
            "photo",
        ),
    ],
)
def test_the_form_keeps_what_was_typed_and_says_what_is_wrong(
    client, authority_user, override, field
):
    client.force_login(authority_user)
    response = client.post(reverse("premises:offer_create"), _form_data(**override), **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert 'value="3 rue de la Poste"' in response.content.decode()
    assert not PremisesOffer.objects.exists()


def test_another_authoritys_offer_cannot_be_edited_or_moved(
    client, authority_user, other_authority_user
):
    offer = services.premises_offer_create(values=offer_values(), by=authority_user)
    client.force_login(other_authority_user)
    assert client.get(reverse("premises:offer_edit", args=[offer.pk]), **EN).status_code == 404
    response = client.post(
        reverse("premises:offer_edit", args=[offer.pk]), _form_data(title="Volé"), **EN
    )
    assert response.status_code == 404
    response = client.post(
        reverse("premises:offer_transition", args=[offer.pk]), {"to": "published"}, **EN
    )
    assert response.status_code == 404
    # A draft is not visible to others at all.
    assert client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN).status_code == 404
    offer.refresh_from_db()
    assert (offer.title, offer.state) == ("Ancienne école", "draft")
    client.force_login(UserFactory(holder=True))
    assert client.get(reverse("premises:offer_create"), **EN).status_code == 403


def test_the_owner_and_the_region_edit_through_the_page(client, authority_user, instructor):
    offer = services.premises_offer_create(values=offer_values(), by=authority_user)
    client.force_login(authority_user)
    page = client.get(reverse("premises:offer_edit", args=[offer.pk]), **EN)
    assert page.status_code == 200
    response = client.post(
        reverse("premises:offer_edit", args=[offer.pk]), _form_data(rooms="9"), **EN
    )
    assert response.status_code == 302
    client.force_login(instructor)
    response = client.post(
        reverse("premises:offer_edit", args=[offer.pk]), _form_data(rooms="10"), **EN
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.rooms == 10


def test_the_public_sees_published_offers_without_address_nor_contact(client, authority_user):
    offer = services.premises_offer_create(values=offer_values(), by=authority_user)
    draft = services.premises_offer_create(
        values=offer_values(title="Brouillon"), by=authority_user
    )
    services.premises_offer_transition(offer=offer, to="published", by=authority_user)
    offer.refresh_from_db()
    listing = client.get(reverse("premises:offer_list"), **EN)
    assert listing.status_code == 200
    assert (
        "Ancienne école" in listing.content.decode() and "Brouillon" not in listing.content.decode()
    )
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN)
    assert page.status_code == 200
    assert b'id="offer-address"' not in page.content and b"patrimoine@" not in page.content
    assert client.get(reverse("premises:offer_detail", args=[draft.pk]), **EN).status_code == 404
    feed = json.loads(client.get(reverse("premises:offer_geojson")).content)
    assert [f["properties"]["id"] for f in feed["features"]] == [offer.pk]
    public = feed["features"][0]
    assert "address" not in public["properties"] and "contact_email" not in public["properties"]
    assert public["geometry"]["coordinates"] == [round(offer.lon, 2), round(offer.lat, 2)]
    assert public["properties"]["inhabitants_brought"] == offer.inhabitants_brought
    client.force_login(UserFactory(holder=True))
    feed = json.loads(client.get(reverse("premises:offer_geojson")).content)
    holder_view = feed["features"][0]
    assert holder_view["properties"]["contact_email"] == "patrimoine@example.org"
    assert holder_view["geometry"]["coordinates"] == [offer.lon, offer.lat]
    page = client.get(reverse("premises:offer_detail", args=[offer.pk]), **EN)
    assert b'id="offer-address"' in page.content


def test_the_list_filters(client, authority_user):
    small = services.premises_offer_create(
        values=offer_values(title="Petit", surface_m2=30), by=authority_user
    )
    big = services.premises_offer_create(
        values=offer_values("64102", title="Grand", surface_m2=400), by=authority_user
    )
    for offer in (small, big):
        services.premises_offer_transition(offer=offer, to="published", by=authority_user)
    url = reverse("premises:offer_list")
    content = client.get(url, {"min_surface": "100"}, **EN).content.decode()
    assert "Grand" in content and "Petit" not in content
    content = client.get(url, {"departement": "23"}, **EN).content.decode()
    assert "Petit" in content and "Grand" not in content
    content = client.get(url, {"max_rent": "1"}, **EN).content.decode()
    assert "Petit" not in content and "Grand" not in content
    assert client.get(url, {"min_surface": "not a number"}, **EN).status_code == 200
