"""The OpenAPI document and the interactive documentation."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_openapi_document(client):
    response = client.get(reverse("api:openapi-json"))
    assert response.status_code == 200
    doc = response.json()
    assert doc["info"]["version"] == "1"
    assert doc["info"]["title"] == "API des tiers-lieux"
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
