"""Every error of the API is an RFC 9457 problem (application/problem+json)."""

import pytest
from django.urls import reverse

from tests.api.conftest import bearer
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert body["instance"] == response.wsgi_request.path
    return body


def test_malformed_json_is_a_400_problem(client, instructor_token):
    response = client.post(
        "/api/v1/places",
        data=b"{not json",
        content_type="application/json",
        headers=bearer(instructor_token),
    )
    _problem(response, 400)


def test_validation_error_is_a_422_problem_with_errors_per_field(client):
    body = _problem(client.get("/api/v1/places?limit=0"), 422)
    assert "limit" in body["errors"]


def test_bad_token_is_a_401_problem(client):
    response = client.get("/api/v1/places", headers=bearer("tl_nope"))
    _problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_forbidden_and_not_found_are_problems(client, holder_token, instructor_token):
    payload = {"nom": "X", "commune": PlaceFactory().commune_id}
    response = client.post(
        "/api/v1/places",
        data=payload,
        content_type="application/json",
        headers=bearer(holder_token),
    )
    _problem(response, 403)
    _problem(client.get("/api/v1/places/999999"), 404)
    _problem(client.get("/api/v1/pilotage/candidatures", headers=bearer(holder_token)), 403)
    _problem(client.get("/api/v1/pilotage/conventions"), 401)


def test_a_place_with_the_same_name_in_the_same_commune_is_a_409(client, instructor_token):
    place = PlaceFactory(name="La Fabrique")
    payload = {"nom": "la fabrique", "commune": place.commune_id}
    response = client.post(
        "/api/v1/places",
        data=payload,
        content_type="application/json",
        headers=bearer(instructor_token),
    )
    body = _problem(response, 409)
    assert body["conflicting_id"] == place.pk


def test_null_is_refused_where_a_place_has_no_null(client, instructor_token):
    place = PlaceFactory()
    response = client.patch(
        f"/api/v1/places/{place.pk}",
        data={"statut": None},
        content_type="application/json",
        headers=bearer(instructor_token),
    )
    assert "statut" in _problem(response, 422)["errors"]


def test_throttled_is_a_429_problem_with_retry_after(client, settings):
    settings.API_ANON_RATE = "1/m"
    assert client.get(reverse("api:departement_list")).status_code == 200
    response = client.get(reverse("api:departement_list"))
    _problem(response, 429)
    assert int(response["Retry-After"]) >= 1
