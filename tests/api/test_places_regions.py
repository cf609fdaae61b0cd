"""The API's list of places across regions: ``region``, and the territorial filters checked
against the regions chosen (422 problems naming the parameter; ADR 0030)."""

import pytest

from tests.places.second_region import two_regions_serve

pytestmark = pytest.mark.django_db
LIST_URL = "/api/v1/places"


@pytest.fixture
def two_regions(db, settings):
    return two_regions_serve(settings)


def names(client, **params) -> set[str]:
    response = client.get(LIST_URL, params)
    assert response.status_code == 200, response.content
    return {item["nom"] for item in response.json()["items"]}


def test_region_filter(client, two_regions):
    assert names(client, region="84") == {
        "Atelier lyonnais",
        "Coworking de Villeurbanne",
        "Fablab grenoblois",
    }
    assert names(client, region="75") == {"Coworking bordelais", "Tiers-lieu limougeaud"}
    assert len(names(client, region="all")) == 5
    assert len(names(client)) == 5


def test_departement_epci_and_commune_across_regions(client, two_regions):
    assert names(client, departement="38") == {"Fablab grenoblois"}
    assert names(client, region="84", epci="200046977") == {
        "Atelier lyonnais",
        "Coworking de Villeurbanne",
    }
    assert names(client, commune="87085") == {"Tiers-lieu limougeaud"}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "93"}, "region"),
        ({"region": "75", "departement": "38"}, "departement"),
        ({"region": "84", "epci": "243300316"}, "epci"),
        ({"region": "84", "commune": "33063"}, "commune"),
        ({"departement": "971"}, "departement"),
    ],
)
def test_codes_outside_the_regions_chosen_are_422_problems(client, two_regions, params, field):
    response = client.get(LIST_URL, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert list(body["errors"]) == [field]
    if field == "region":
        assert "Provence-Alpes-Côte d'Azur is not served here" in body["detail"]
        assert "84 (Auvergne-Rhône-Alpes)" in body["detail"]


@pytest.mark.parametrize("value", ["8", "845", "ALL", "a1"])
def test_malformed_region_is_a_422_from_the_schema(client, two_regions, value):
    response = client.get(LIST_URL, {"region": value})
    assert response.status_code == 422
    assert "region" in response.json()["errors"]


def test_one_region_deployment(client, settings):
    settings.TERRITORY_REGIONS = ("75",)
    assert client.get(LIST_URL, {"region": "75"}).status_code == 200
    assert client.get(LIST_URL, {"region": "all"}).status_code == 200
    assert client.get(LIST_URL, {"region": "84"}).status_code == 422


def test_the_openapi_document_describes_the_region_filter(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = schema["paths"]["/api/v1/places"]["get"]["parameters"]
    region = next(p for p in parameters if p["name"] == "region")
    assert region["schema"]["pattern"] == r"^((\d{2}|all))?$"
