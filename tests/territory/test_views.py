"""The territory page and the commune autocomplete (the mesh: test_mesh_views.py)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_territory_page_lists_the_12_departements(client):
    response = client.get(reverse("territory:territory_detail"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gironde (33)" in html
    assert "Pyrénées-Atlantiques (64)" in html
    # The public does not see the scenario form (tests/territory/test_mesh_views.py).
    assert reverse("territory:scenario_run") not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("Bordeaux", "33063"), ("33063", "33063"), ("64200", "64122"), ("bord", "33063")],
)
def test_commune_search_by_name_code_or_postcode(client, query, expected):
    response = client.get(reverse("territory:commune_search"), {"q": query})
    codes = [r["code"] for r in response.json()["results"]]
    assert expected in codes


def test_commune_search_with_empty_query(client):
    assert client.get(reverse("territory:commune_search")).json() == {"results": []}
