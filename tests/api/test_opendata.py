"""Open data contracts: the SCDL file against the 2.1.1 Table Schema, and the /donnees/ page."""

import json
import re
from pathlib import Path

import frictionless
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.agreements.factories import AgreementFactory
from tests.calls.factories import ApplicationFactory, CallFactory
from tests.places.factories import PlaceFactory
from tierslieux.agreements import scdl

pytestmark = pytest.mark.django_db

SCHEMA_PATH = (
    Path(django_settings.BASE_DIR) / "data" / "schemas" / "scdl-subventions-2.1.1.schema.json"
)


def _validate(tmp_path, text):
    (tmp_path / "subventions.csv").write_text(text, encoding="utf-8")
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA_PATH.read_text()))
    resource = frictionless.Resource(path="subventions.csv", basepath=str(tmp_path), schema=schema)
    return resource.validate()


@pytest.fixture
def grants():
    association = ApplicationFactory(
        accepted=True, title="Tiers-lieu associatif", call=CallFactory(name="AMI Tiers-lieux 2026")
    )
    association.organisation.rna = "W332001234"
    association.organisation.save()
    AgreementFactory(signed=True)  # a second grant, its agreement signed
    return association


def test_the_scdl_file_is_valid_against_the_2_1_1_table_schema(client, tmp_path, grants):
    response = client.get(reverse("opendata:scdl_csv"))
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    report = _validate(tmp_path, text)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    header = text.splitlines()[0].split(",")
    schema = json.loads(SCHEMA_PATH.read_text())
    assert header == [f["name"] for f in schema["fields"]] == list(scdl.COLUMNS)
    rows = {r["nomBeneficiaire"]: r for r in scdl.scdl_rows()}
    row = rows[grants.organisation.name]
    assert row["dispositifAide"] == "AMI Tiers-lieux 2026"
    assert row["rnaBeneficiaire"] == "W332001234"
    assert all(r["dispositifAide"] for r in rows.values())
    # the first address of the file still answers
    assert client.get("/appels/projets-finances/subventions-scdl.csv").content == response.content


def test_the_schema_refuses_what_2_1_1_refuses(tmp_path, grants):
    rows = scdl.scdl_rows()
    columns = list(scdl.COLUMNS)
    bad = {**rows[0], "rnaBeneficiaire": "W12", "notificationUE": "peut-être", "nature": "prêt"}
    text = ",".join(columns) + "\r\n" + ",".join(bad[c] for c in columns) + "\r\n"
    report = _validate(tmp_path, text)
    errors = {e[1] for e in report.flatten(["rowNumber", "fieldName"])}
    assert {"rnaBeneficiaire", "notificationUE", "nature"} <= errors


def test_organisation_rna_format_is_checked(db):
    from django.core.exceptions import ValidationError

    from tests.calls.factories import HolderOrganisationFactory

    organisation = HolderOrganisationFactory()
    organisation.rna = "W12345"
    with pytest.raises(ValidationError) as exc:
        organisation.full_clean()
    assert "rna" in exc.value.message_dict


def test_the_open_data_page_lists_every_dataset_and_every_link_works(client):
    PlaceFactory()
    AgreementFactory(signed=True)
    response = client.get(reverse("opendata:dataset_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    for slug in (
        "tiers-lieux",
        "maillage-communes",
        "maillage-zones-blanches",
        "maillage-departements",
        "subventions-scdl",
    ):
        assert f'id="{slug}"' in page
    assert "Licence Ouverte" in page and "<time datetime=" in page
    formats = set(re.findall(r'data-format="(\w+)"', page))
    assert formats == {"CSV", "GeoJSON", "XLSX"}
    links = set(re.findall(r'href="(/[^"]*)"', page.split("<main", 1)[1].split("</main>")[0]))
    assert reverse("opendata:schema", args=["scdl-subventions-2.1.1.schema.json"]) in links
    for link in sorted(links):
        answer = client.get(link)
        assert answer.status_code == 200, link
    assert client.get("/donnees/schemas/settings.py").status_code == 404


def test_the_xlsx_copies_are_formula_safe(client):
    from io import BytesIO

    from openpyxl import load_workbook

    PlaceFactory(name='=HYPERLINK("https://evil.example")')
    response = client.get(reverse("opendata:dataset_xlsx", args=["tiers-lieux"]))
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    name = sheet.cell(row=2, column=header.index("nom") + 1)
    assert name.value.startswith("'=") and name.data_type == "s"
