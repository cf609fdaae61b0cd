"""The policy as read API: coverage equal to the mesh page's CSV, white zones, funded projects,
open calls, key figures; staff summaries by token with the object rules."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.agreements.factories import AgreementFactory
from tests.api.conftest import bearer
from tests.calls.factories import ApplicationFactory, CallFactory
from tests.places.factories import PlaceFactory
from tierslieux.api.services import api_token_create
from tierslieux.core import clock

pytestmark = pytest.mark.django_db


def _csv(client, kind):
    response = client.get(
        reverse("territory:mesh_download", kwargs={"kind": kind, "format": "csv"})
    )
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _cell(value):
    """An API value written as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_coverage_per_commune_equals_the_mesh_page_csv(client):
    PlaceFactory(name="Guéret")  # one open place in the territory
    rows = [r for r in _csv(client, "communes") if r["departement"] == "23"]
    response = client.get("/api/v1/territoire/communes?departement=23&limit=1000")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    body = response.json()
    assert body["count"] == len(rows) > 200
    assert body["parametres"]["seuil_minutes"] == 20
    api_rows = [{k: _cell(v) for k, v in item.items()} for item in body["items"]]
    assert api_rows == rows
    assert any(r["zone_blanche"] == "true" for r in rows)


def test_coverage_filters_and_pages(client):
    white = client.get("/api/v1/territoire/communes?departement=23&zone_blanche=true").json()
    assert white["items"] and all(item["zone_blanche"] for item in white["items"])
    page = client.get("/api/v1/territoire/communes?departement=23&limit=5&offset=5").json()
    assert len(page["items"]) == 5
    assert client.get("/api/v1/territoire/communes?limit=1001").status_code == 422
    assert client.get("/api/v1/territoire/communes?departement=2C").status_code == 422


def test_departements_and_white_zones_equal_their_csv(client):
    PlaceFactory()
    deps = client.get("/api/v1/territoire/departements").json()["items"]
    assert [{k: _cell(v) for k, v in d.items()} for d in deps] == _csv(client, "departements")
    zones = client.get("/api/v1/territoire/zones-blanches?limit=1000").json()
    assert zones["count"] == len(_csv(client, "zones-blanches"))
    assert [{k: _cell(v) for k, v in z.items()} for z in zones["items"]] == (
        _csv(client, "zones-blanches")[:1000]
    )
    ranks = [z["rang"] for z in zones["items"]]
    assert ranks == sorted(ranks)
    in_23 = client.get("/api/v1/territoire/zones-blanches?departement=23").json()["items"]
    assert all(z["departement"] == "23" for z in in_23)


def test_funded_projects_and_open_calls(client):
    year = clock.today().year
    open_call = CallFactory(
        name="AMI ouvert",
        year=year,
        opens_on=clock.today() - datetime.timedelta(days=1),
        closes_on=clock.today() + datetime.timedelta(days=30),
    )
    ApplicationFactory(accepted=True, title="Tiers-lieu de Périgueux", call=CallFactory(year=year))
    ApplicationFactory(submitted=True, title="Pas encore décidé")
    body = client.get(f"/api/v1/projets-finances?annee={year}&departement=24").json()
    assert body["count"] == 1
    (project,) = body["items"]
    assert project["nom"] == "Tiers-lieu de Périgueux"
    assert project["commune_insee"] == "24322"
    assert project["montant_centimes"] == 3_000_000
    assert project["annee"] == year
    assert client.get("/api/v1/projets-finances?departement=33").json()["count"] == 0
    calls = client.get("/api/v1/appels/ouverts").json()
    today = clock.today().isoformat()
    assert open_call.pk in [c["id"] for c in calls]
    assert all(c["ouvert_le"] <= today <= c["ferme_le"] for c in calls)
    (mine,) = [c for c in calls if c["id"] == open_call.pk]
    assert mine["url"] == reverse("calls:call_detail", args=[open_call.pk])


def test_key_figures_carry_definitions_and_data_dates(client):
    PlaceFactory()
    year = clock.today().year
    body = client.get(
        f"/api/v1/indicateurs?annee={year - 1}&departement=24", HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    assert body["date"] == f"{year - 1}-12-31"
    assert body["departement"] == "24"
    codes = [row["code"] for row in body["indicateurs"]]
    assert codes and len(codes) == len(set(codes))
    assert all(row["definition"] for row in body["indicateurs"])
    future = client.get(f"/api/v1/indicateurs?annee={year + 1}")
    assert future.status_code == 404
    assert client.get("/api/v1/indicateurs?departement=75").status_code == 404


def test_staff_summaries_need_a_staff_token(client, instructor_token, holder_token):
    agreement = AgreementFactory()
    ApplicationFactory(submitted=True)
    ApplicationFactory()  # a draft: never shown to staff
    assert client.get("/api/v1/pilotage/candidatures").status_code == 401
    assert (
        client.get("/api/v1/pilotage/candidatures", headers=bearer(holder_token)).status_code == 403
    )
    body = client.get("/api/v1/pilotage/candidatures", headers=bearer(instructor_token)).json()
    assert body["count"] == 2  # the agreement's accepted application and the submitted one
    assert all(item["etat"] != "draft" for item in body["items"])
    agreements = client.get("/api/v1/pilotage/conventions", headers=bearer(instructor_token)).json()
    assert [a["id"] for a in agreements["items"]] == [agreement.pk]
    assert agreements["items"][0]["verse_centimes"] == 0


def test_a_network_member_is_refused_the_summaries(client):
    network = UserFactory(network=True)
    key = api_token_create(user=network, name="bi")[1]
    assert client.get("/api/v1/pilotage/conventions", headers=bearer(key)).status_code == 403
