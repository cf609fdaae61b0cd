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
    assert doc["info"]["description"].startswith("The directory of tiers-lieux")
    assert set(doc["paths"]) == {
        "/api/places",
        "/api/places/{place_id}",
        "/api/communes",
        "/api/departements",
    }
    assert set(doc["paths"]["/api/places"]) == {"get", "post"}
    assert set(doc["paths"]["/api/places/{place_id}"]) == {"get", "patch"}
    schemes = doc["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert doc["paths"]["/api/places"]["get"].get("security") is None  # public read
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
    assert 'href="/api/docs"' in footer
