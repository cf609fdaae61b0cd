"""The published premises as open data: CSV valid against its Table Schema, nothing private."""

import csv
import io
import json
from pathlib import Path

import frictionless
import pytest
from django.urls import reverse

from tests.premises.conftest import offer_values
from tierslieux.premises import opendata, services
from tierslieux.premises.models import BuildingState

pytestmark = pytest.mark.django_db
SCHEMA_PATH = (
    Path(__file__).resolve().parents[2] / "data" / "schemas" / "locaux-vacants.schema.json"
)


def _validate(text: str, tmp_path: Path) -> frictionless.Report:
    (tmp_path / "locaux-vacants.csv").write_text(text, encoding="utf-8")
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text("utf-8")))
    resource = frictionless.Resource(
        path="locaux-vacants.csv", basepath=str(tmp_path), schema=schema
    )
    return frictionless.validate(resource)


def test_the_schema_matches_the_export():
    fields = {f["name"]: f for f in json.loads(SCHEMA_PATH.read_text("utf-8"))["fields"]}
    assert tuple(fields) == opendata.COLUMNS
    assert fields["etat_batiment"]["constraints"]["enum"] == BuildingState.values


def test_the_csv_holds_published_offers_only_and_is_valid(client, authority_user, tmp_path):
    published = services.premises_offer_create(values=offer_values(), by=authority_user)
    services.premises_offer_transition(offer=published, to="published", by=authority_user)
    services.premises_offer_create(
        values=offer_values("64102", title="Brouillon", reference_rent_per_m2_month=None),
        by=authority_user,
    )
    response = client.get(reverse("premises:offer_csv"))
    assert response.status_code == 200
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in rows] == [str(published.pk)]
    assert "patrimoine@" not in text and "place de la Mairie" not in text
    assert rows[0]["part_loyer_marche"] == "0.50"
    report = _validate(text, tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_dataset_is_listed_with_working_links(client):
    page = client.get(reverse("opendata:dataset_list")).content.decode()
    for url in (
        reverse("premises:offer_csv"),
        reverse("premises:offer_geojson"),
        reverse("opendata:dataset_xlsx", args=["locaux-vacants"]),
        reverse("opendata:schema", args=["locaux-vacants.schema.json"]),
    ):
        assert url in page
        assert client.get(url).status_code == 200, url


def test_a_name_typed_as_a_formula_is_not_run_by_a_spreadsheet(client, authority_user):
    offer = services.premises_offer_create(
        values=offer_values(title='=HYPERLINK("http://evil.example","x")'), by=authority_user
    )
    services.premises_offer_transition(offer=offer, to="published", by=authority_user)
    rows = list(
        csv.DictReader(io.StringIO(client.get(reverse("premises:offer_csv")).content.decode()))
    )
    assert rows[0]["nom"] == '\'=HYPERLINK("http://evil.example","x")'
