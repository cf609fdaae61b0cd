"""Writing the directory through the API: directory staff only, by token or session."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.api.conftest import bearer
from tests.places.factories import PlaceFactory, commune
from tierslieux.api.services import api_token_create, api_token_revoke
from tierslieux.places.models import LocationPrecision, Place, PlaceSource
from tierslieux.places.services_write import place_create, place_update

pytestmark = pytest.mark.django_db

LIST_URL = "/api/places"

NEW_PLACE = {
    "nom": "La Grange numérique",
    "types": ["coworking", "fablab"],
    "services": ["cafe"],
    "statut": "open",
    "adresse": "1 place de la Mairie",
    "code_postal": "87000",
    "commune": "87085",
    "longitude": 1.26,
    "latitude": 45.83,
    "acces_pmr": True,
    "site_web": "https://grange.example.org",
    "courriel": "contact@grange.example.org",
    "publie": True,
}


def post(client: Client, data: dict, **kwargs):
    return client.post(LIST_URL, data, content_type="application/json", **kwargs)


def patch(client: Client, pk: int, data: dict, **kwargs):
    return client.patch(f"/api/places/{pk}", data, content_type="application/json", **kwargs)


# --- create, per role ---------------------------------------------------------------------


def test_anonymous_cannot_create(client):
    response = post(client, NEW_PLACE)
    assert response.status_code == 401
    assert not Place.objects.exists()


def test_holder_cannot_create_by_token_or_session(client, holder, holder_token):
    assert post(client, NEW_PLACE, headers=bearer(holder_token)).status_code == 403
    client.force_login(holder)
    assert post(client, NEW_PLACE).status_code == 403
    assert not Place.objects.exists()


def test_instructor_creates_by_token(client, instructor, instructor_token):
    response = post(client, NEW_PLACE, headers=bearer(instructor_token))
    assert response.status_code == 201, response.content
    data = response.json()
    place = Place.objects.get(pk=data["id"])
    assert place.name == "La Grange numérique"
    assert place.commune_id == "87085"
    assert place.kinds == ["coworking", "fablab"]
    assert place.source == PlaceSource.MANUAL
    assert place.is_published is True
    assert place.city == "Limoges"
    assert data["commune"] == "Limoges"
    assert data["departement"] == "87"
    # The audit log knows who did it, although the request had no session.
    entry = LogEntry.objects.get_for_object(place).get()
    assert entry.actor == instructor


def test_network_creates_by_session_with_csrf():
    network = UserFactory(network=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(network)
    assert post(client, NEW_PLACE).status_code == 403  # no CSRF token
    secret = "abcdefghijklmnopqrstuvwxyz012345"  # what the CSRF cookie of a page would hold
    client.cookies["csrftoken"] = secret
    response = post(client, NEW_PLACE, headers={"X-CSRFToken": secret})
    assert response.status_code == 201, response.content
    assert LogEntry.objects.get_for_object(Place.objects.get()).get().actor == network


def test_token_needs_no_csrf(instructor_token):
    client = Client(enforce_csrf_checks=True)
    assert post(client, NEW_PLACE, headers=bearer(instructor_token)).status_code == 201


def test_create_without_coordinates_uses_the_town_hall(client, instructor_token):
    data = {"nom": "Sans adresse", "commune": "64445"}
    response = post(client, data, headers=bearer(instructor_token))
    assert response.status_code == 201, response.content
    place = Place.objects.get()
    pau = commune("64445")
    assert (place.lon, place.lat) == (pau.lon, pau.lat)
    assert place.location_precision == LocationPrecision.COMMUNE
    assert place.is_published is False  # staff publish explicitly


# --- validation ---------------------------------------------------------------------------


def test_unknown_commune_is_422_on_the_commune_field(client, instructor_token):
    response = post(client, {**NEW_PLACE, "commune": "99999"}, headers=bearer(instructor_token))
    assert response.status_code == 422
    body = response.json()
    assert list(body["errors"]) == ["commune"]
    assert body["detail"]
    assert not Place.objects.exists()


def test_model_rules_are_422_with_api_field_names(client, instructor_token):
    data = {
        **NEW_PLACE,
        "statut": "closed",
        "courriel": "not-an-address",
        "site_web": "nowhere",
    }
    response = post(client, data, headers=bearer(instructor_token))
    assert response.status_code == 422
    # the formats are checked at the door (they are in the schema), the model's rules after
    assert set(response.json()["errors"]) == {"courriel", "site_web"}
    data = {**data, "courriel": "a@example.org", "site_web": "https://example.org"}
    response = post(client, data, headers=bearer(instructor_token))
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"ferme_le"}


def test_closing_before_opening_is_422(client, instructor_token):
    data = {
        **NEW_PLACE,
        "ouvert_depuis": "2024-01-01",
        "ferme_le": "2023-01-01",
        "statut": "closed",
    }
    response = post(client, data, headers=bearer(instructor_token))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["ferme_le"]


def test_schema_errors_are_422_in_the_same_shape(client, instructor_token):
    data = {**NEW_PLACE, "types": ["castle"], "latitude": 91}
    del data["nom"]
    response = post(client, data, headers=bearer(instructor_token))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"nom", "latitude"} <= {key.split(".")[0] for key in errors}
    assert any(key.startswith("types") for key in errors)


def test_nul_characters_are_refused_before_the_database(client, instructor_token):
    response = post(client, {**NEW_PLACE, "nom": "a\x00b"}, headers=bearer(instructor_token))
    assert response.status_code == 422
    assert "nom" in response.json()["errors"]


# --- update -------------------------------------------------------------------------------


def test_anonymous_and_holder_cannot_update(client, holder_token):
    place = PlaceFactory(name="Avant")
    assert patch(client, place.pk, {"nom": "Après"}).status_code == 401
    assert (
        patch(client, place.pk, {"nom": "Après"}, headers=bearer(holder_token)).status_code == 403
    )
    place.refresh_from_db()
    assert place.name == "Avant"


def test_instructor_updates_only_the_fields_sent(client, instructor_token):
    place = PlaceFactory(name="Avant", description="Garde", pmr_accessible=True)
    response = patch(
        client, place.pk, {"nom": "Après", "acces_pmr": None}, headers=bearer(instructor_token)
    )
    assert response.status_code == 200, response.content
    place.refresh_from_db()
    assert place.name == "Après"
    assert place.description == "Garde"
    assert place.pmr_accessible is None


def test_instructor_publishes_an_unpublished_place(client, instructor_token):
    place = PlaceFactory(unpublished=True)
    response = patch(client, place.pk, {"publie": True}, headers=bearer(instructor_token))
    assert response.status_code == 200
    assert client.get(f"/api/places/{place.pk}").status_code == 200  # now public


def test_update_moves_a_town_hall_place_with_its_commune(client, instructor_token):
    place = PlaceFactory(location_precision=LocationPrecision.COMMUNE)
    response = patch(client, place.pk, {"commune": "87085"}, headers=bearer(instructor_token))
    assert response.status_code == 200
    place.refresh_from_db()
    limoges = commune("87085")
    assert (place.commune_id, place.lon, place.lat) == ("87085", limoges.lon, limoges.lat)


def test_update_validation_error_changes_nothing(client, instructor_token):
    place = PlaceFactory(name="Avant")
    response = patch(
        client, place.pk, {"nom": "Après", "commune": "00000"}, headers=bearer(instructor_token)
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["commune"]
    place.refresh_from_db()
    assert place.name == "Avant"


def test_update_unknown_place_is_404(client, instructor_token):
    assert patch(client, 2**62, {"nom": "x"}, headers=bearer(instructor_token)).status_code == 404


# --- tokens -------------------------------------------------------------------------------


def test_invalid_token_is_401(client):
    response = post(client, NEW_PLACE, headers=bearer("tl_made-up"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_revoked_token_is_401(client, instructor):
    token, key = api_token_create(user=instructor, name="old")
    api_token_revoke(token=token)
    assert post(client, NEW_PLACE, headers=bearer(key)).status_code == 401
    assert client.get(LIST_URL, headers=bearer(key)).status_code == 401


def test_token_of_an_inactive_user_is_401(client, instructor, instructor_token):
    instructor.is_active = False
    instructor.save()
    assert post(client, NEW_PLACE, headers=bearer(instructor_token)).status_code == 401


def test_superuser_token_may_write(client):
    admin = UserFactory(superuser=True)
    key = api_token_create(user=admin, name="admin")[1]
    assert post(client, NEW_PLACE, headers=bearer(key)).status_code == 201


def test_patch_with_nulls_is_422_not_500(client, instructor_token):
    place = PlaceFactory()
    nulls = {"nom": None, "statut": None, "commune": None, "publie": None, "longitude": None}
    response = patch(client, place.pk, nulls, headers=bearer(instructor_token))
    assert response.status_code == 422
    assert {"nom", "statut", "commune", "publie"} <= set(response.json()["errors"])


def test_a_lone_coordinate_is_422(client, instructor_token):
    data = {"nom": "Moitié", "commune": "64445", "longitude": -0.37}
    response = post(client, data, headers=bearer(instructor_token))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["latitude"]


# --- the write services, called directly ------------------------------------------------


def test_service_refuses_users_without_the_role(holder):
    with pytest.raises(PermissionDenied):
        place_create(data={"name": "x", "commune": "33063"}, by=holder)
    with pytest.raises(PermissionDenied):
        place_update(place=PlaceFactory(), data={"name": "x"}, by=holder)


def test_service_checks_kind_and_service_codes(instructor):
    with pytest.raises(ValidationError) as exc:
        place_create(
            data={"name": "x", "commune": "33063", "kinds": ["castle"], "services": ["spa"]},
            by=instructor,
        )
    assert set(exc.value.message_dict) == {"kinds", "services"}


def test_service_deduplicates_codes(instructor):
    place = place_create(
        data={"name": "x", "commune": "33063", "kinds": ["fablab", "fablab", "coworking"]},
        by=instructor,
    )
    assert place.kinds == ["fablab", "coworking"]


def test_service_refuses_fields_it_does_not_write(instructor):
    with pytest.raises(ValueError):
        place_create(data={"name": "x", "commune": "33063", "source": "cget_2019"}, by=instructor)


def test_service_reports_every_error_at_once(instructor):
    with pytest.raises(ValidationError) as exc:
        place_create(data={"name": "", "commune": "nowhere", "email": "bad"}, by=instructor)
    assert set(exc.value.message_dict) == {"name", "commune", "email"}
    assert not Place.objects.exists()
