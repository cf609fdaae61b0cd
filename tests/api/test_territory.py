"""Commune search and départements: public, the same for every role."""

import pytest
from django.urls import reverse

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db


def test_commune_search_by_name_start(client):
    response = client.get(reverse("api:commune_search"), {"q": "bordea"})
    assert response.status_code == 200
    first = response.json()[0]
    assert first == {
        "code": "33063",
        "nom": "Bordeaux",
        "departement": "33",
        "epci_siren": "243300316",
        "codes_postaux": first["codes_postaux"],
        "population": first["population"],
        "longitude": first["longitude"],
        "latitude": first["latitude"],
    }
    assert "33000" in first["codes_postaux"]


def test_commune_search_by_code_and_postcode(client):
    url = reverse("api:commune_search")
    assert [c["nom"] for c in client.get(url, {"q": "87085"}).json()] == ["Limoges"]
    assert "Pau" in [c["nom"] for c in client.get(url, {"q": "64000"}).json()]


def test_commune_search_limit(client):
    url = reverse("api:commune_search")
    assert len(client.get(url, {"q": "saint", "limit": 3}).json()) == 3
    assert client.get(url, {"q": "saint", "limit": 51}).status_code == 422


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "a\x00"}])
def test_commune_search_needs_a_query(client, params):
    assert client.get(reverse("api:commune_search"), params).status_code == 422


def test_same_answer_for_every_role(client, holder, instructor, instructor_token):
    url = reverse("api:commune_search")
    anonymous = client.get(url, {"q": "limo"}).json()
    assert client.get(url, {"q": "limo"}, headers=bearer(instructor_token)).json() == anonymous
    client.force_login(holder)
    assert client.get(url, {"q": "limo"}).json() == anonymous


def test_departements(client, holder):
    response = client.get(reverse("api:departement_list"))
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 12
    gironde = next(r for r in rows if r["code"] == "33")
    assert gironde["nom"] == "Gironde"
    assert gironde["communes"] > 500
    assert 0 < gironde["part_rurale_2021"] < 1
    assert sum(r["communes"] for r in rows) == 4293
    client.force_login(holder)
    assert client.get(reverse("api:departement_list")).json() == rows
