"""The OpenAPI document and the interactive documentation."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_document(client):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["version"] == "1"
    assert doc["info"]["title"] == "Tiers-lieux API"
    assert doc["info"]["description"].startswith("The regional tiers-lieux policy as data")
    assert set(doc["paths"]) == {
        "/api/v1/places",
        "/api/v1/places/{place_id}",
        "/api/v1/communes",
        "/api/v1/departements",
        "/api/v1/territoire/communes",
        "/api/v1/territoire/departements",
        "/api/v1/territoire/zones-blanches",
        "/api/v1/projets-finances",
        "/api/v1/appels/ouverts",
        "/api/v1/indicateurs",
        "/api/v1/pilotage/candidatures",
        "/api/v1/pilotage/conventions",
    }
    assert set(doc["paths"]["/api/v1/places"]) == {"get", "post"}
    assert set(doc["paths"]["/api/v1/places/{place_id}"]) == {"get", "patch"}
    schemes = doc["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert doc["paths"]["/api/v1/places"]["get"].get("security") is None  # public read
    # the unversioned alias serves the same document
    assert client.get("/api/openapi.json").json() == doc
    page = doc["components"]["schemas"]["PagedPlaceOut"]
    assert set(page["properties"]) == {"items", "count"}


def test_documentation_page(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_documentation_page_is_localised_and_linked_from_every_page(client):
    client.cookies["django_language"] = "en"
    page = client.get("/api/docs").content.decode()
    assert '<html lang="en">' in page
    assert "<title>API documentation" in page and "<h1>API documentation</h1>" in page
    assert 'id="swagger-ui"' in page and "swagger-ui-init.js" in page
    home = client.get("/").content.decode()
    footer = home[home.index('<footer class="site-footer"') :]
    assert 'href="/api/v1/docs"' in footer
    assert 'href="/donnees/"' in footer


def _responses(doc, path, method):
    return doc["paths"][path][method]["responses"]


def test_every_error_is_a_documented_problem(client):
    doc = client.get(reverse("api:openapi-json")).json()
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "429"} <= set(responses), (path, method)
            for status, response in responses.items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]
            assert "Retry-After" in responses["429"]["headers"]
            if "requestBody" in operation:
                assert {"400", "422"} <= set(responses)
    assert set(_responses(doc, "/api/v1/places", "post")) == {
        "201",
        "400",
        "401",
        "403",
        "409",
        "422",
        "429",
    }
    assert set(_responses(doc, "/api/v1/places/{place_id}", "patch")) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "422",
        "429",
    }
    problem = doc["components"]["schemas"]["ValidationProblemOut"]
    assert {"type", "title", "status", "detail", "instance", "errors"} <= set(problem["required"])


def test_the_schema_is_as_strict_as_the_server(client):
    schemas = client.get(reverse("api:openapi-json")).json()["components"]["schemas"]
    patch = schemas["PlacePatchIn"]["properties"]
    for name in ("statut", "publie", "precision_localisation", "nom", "commune", "latitude"):
        assert "anyOf" not in patch[name] or {"type": "null"} not in patch[name]["anyOf"], name
        assert "default" not in patch[name]
    for name in ("ouvert_depuis", "ferme_le", "mode_gestion", "acces_pmr"):
        assert {"type": "null"} in patch[name]["anyOf"], name
    assert schemas["PlaceIn"]["properties"]["commune"]["pattern"] == r"^(\d{5}|2[AB]\d{3})$"
    assert schemas["PlaceIn"]["properties"]["courriel"]["pattern"].startswith("^(")
