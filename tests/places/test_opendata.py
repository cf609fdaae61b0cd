"""Open data export: published places only, CSV valid against the committed Table Schema."""

import csv
import datetime
import io
import json
from pathlib import Path

import frictionless
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory, commune
from tierslieux.places import opendata
from tierslieux.places.models import (
    SOURCE_ATTRIBUTIONS,
    LegalForm,
    LocationPrecision,
    PlaceKind,
    PlaceService,
    PlaceSource,
    PlaceState,
)

SCHEMA_PATH = Path(django_settings.BASE_DIR) / "data" / "schemas" / "tiers-lieux.schema.json"
CSV_URL = "places:opendata_csv"
GEOJSON_URL = "places:opendata_geojson"


def content(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content(response))))


def validate_csv(text: str, tmp_path: Path) -> frictionless.Report:
    (tmp_path / "tiers-lieux.csv").write_text(text, encoding="utf-8", newline="")
    descriptor = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema = frictionless.Schema.from_descriptor(descriptor)
    resource = frictionless.Resource(path="tiers-lieux.csv", basepath=str(tmp_path), schema=schema)
    return frictionless.validate(resource)


@pytest.fixture
def places(db):
    """A varied directory: every kind of value the export has to write."""
    return {
        "full": PlaceFactory(
            name="La Fabrique, « atelier » partagé",
            description='Deux lignes,\navec des "guillemets".',
            kinds=[PlaceKind.FABLAB, PlaceKind.COWORKING],
            services=[PlaceService.CAFE, PlaceService.TRAINING],
            opened_on=datetime.date(2019, 9, 1),
            address="12 rue de la Gare",
            postcode="87000",
            commune=commune("87085"),
            location_precision=LocationPrecision.ADDRESS,
            legal_form=LegalForm.ASSOCIATION,
            pmr_accessible=True,
            fibre_access=False,
            opening_hours="Lun-ven 9 h - 18 h",
            website="https://fabrique.example.org",
            email="contact@fabrique.example.org",
            source=PlaceSource.CGET_2019,
            source_id="CW-1",
            source_date=datetime.date(2019, 6, 1),
        ),
        "minimal": PlaceFactory(name="Coworking minimal", kinds=[], services=[]),
        "closed": PlaceFactory(
            name="Fermé",
            closed=True,
            source=PlaceSource.FRANCE_TIERS_LIEUX,
            commune=commune("64445"),
        ),
        "hidden": PlaceFactory(name="Caché", unpublished=True),
    }


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "holder", "instructor"])
def test_csv_has_published_places_only_whoever_asks(client, places, role):
    if role:
        client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse(CSV_URL))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tiers-lieux.csv"'
    names = [row["nom"] for row in csv_rows(response)]
    assert sorted(names) == sorted(
        ["La Fabrique, « atelier » partagé", "Coworking minimal", "Fermé"]
    )
    assert "Caché" not in content(client.get(reverse(CSV_URL)))


def test_csv_columns_and_values(client, places):
    response = client.get(reverse(CSV_URL))
    text = content(response)
    assert text.splitlines()[0] == ",".join(opendata.COLUMNS)
    rows = {row["nom"]: row for row in csv.DictReader(io.StringIO(text))}
    full = rows["La Fabrique, « atelier » partagé"]
    place = places["full"]
    assert full == {
        "id": str(place.pk),
        "nom": "La Fabrique, « atelier » partagé",
        "description": 'Deux lignes,\navec des "guillemets".',
        "types": "fablab|coworking",
        "services": "cafe|training",
        "statut": "open",
        "ouvert_depuis": "2019-09-01",
        "ferme_le": "",
        "adresse": "12 rue de la Gare",
        "code_postal": "87000",
        "commune_insee": "87085",
        "commune": "Limoges",
        "departement": "87",
        "epci_siren": full["epci_siren"],
        "longitude": f"{place.lon:.6f}",
        "latitude": f"{place.lat:.6f}",
        "precision_localisation": "address",
        "mode_gestion": "136",
        "acces_pmr": "true",
        "acces_fibre": "false",
        "horaires": "Lun-ven 9 h - 18 h",
        "site_web": "https://fabrique.example.org",
        "courriel": "contact@fabrique.example.org",
        "source": "cget_2019",
        "source_id": "CW-1",
        "date_source": "2019-06-01",
        "attribution": SOURCE_ATTRIBUTIONS[PlaceSource.CGET_2019],
    }
    assert len(full["epci_siren"]) == 9
    minimal = rows["Coworking minimal"]
    assert (minimal["types"], minimal["acces_pmr"], minimal["attribution"]) == ("", "", "")
    assert rows["Fermé"]["attribution"] == SOURCE_ATTRIBUTIONS[PlaceSource.FRANCE_TIERS_LIEUX]


def test_csv_is_valid_against_the_committed_schema(client, places, tmp_path):
    report = validate_csv(content(client.get(reverse(CSV_URL))), tmp_path)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == 3


def test_empty_export_is_valid(client, db, tmp_path):
    report = validate_csv(content(client.get(reverse(CSV_URL))), tmp_path)
    assert report.valid, report.flatten(["type", "note"])


@pytest.mark.parametrize(
    ("column", "bad_value", "error"),
    [
        ("latitude", "north", "type-error"),
        ("longitude", "200.000000", "constraint-error"),
        ("statut", "sleeping", "constraint-error"),
        ("types", "coworking|castle", "constraint-error"),
        ("commune_insee", "", "constraint-error"),
        ("acces_pmr", "yes", "type-error"),
        ("ouvert_depuis", "01/09/2019", "type-error"),
        ("courriel", "not-an-address", "type-error"),
    ],
)
def test_a_broken_row_is_invalid(client, places, tmp_path, column, bad_value, error):
    rows = csv_rows(client.get(reverse(CSV_URL)))
    rows[0][column] = bad_value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=opendata.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    report = validate_csv(out.getvalue(), tmp_path)
    assert not report.valid
    assert [error, column] in report.flatten(["type", "fieldName"])


def test_a_missing_column_is_invalid(client, places, tmp_path):
    text = content(client.get(reverse(CSV_URL)))
    lines = [",".join(line.split(",")[:-1]) for line in text.splitlines()[:1]]
    assert not validate_csv("\r\n".join(lines) + "\r\n", tmp_path).valid


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"departement": "87"}, ["La Fabrique, « atelier » partagé"]),
        ({"commune": "64445"}, ["Fermé"]),
        ({"state": "closed"}, ["Fermé"]),
        ({"kind": "fablab"}, ["La Fabrique, « atelier » partagé"]),
        ({"service": "training"}, ["La Fabrique, « atelier » partagé"]),
        ({"q": "minimal"}, ["Coworking minimal"]),
        ({"q": "Caché"}, []),  # filters never reveal unpublished places
        ({"epci": "243300316"}, ["Coworking minimal"]),
        ({"state": "nonsense"}, []),
    ],
)
def test_exports_accept_the_directory_filters(client, places, params, expected):
    assert [row["nom"] for row in csv_rows(client.get(reverse(CSV_URL), params))] == expected
    features = json.loads(content(client.get(reverse(GEOJSON_URL), params)))["features"]
    assert [f["properties"]["nom"] for f in features] == expected


def test_post_is_refused(client, db):
    assert client.post(reverse(CSV_URL)).status_code == 405


# --- GeoJSON ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "holder", "instructor"])
def test_geojson_feature_collection(client, places, role):
    if role:
        client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse(GEOJSON_URL))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Disposition"] == 'attachment; filename="tiers-lieux.geojson"'
    data = json.loads(content(response))
    assert data["type"] == "FeatureCollection"
    assert data["licence"]["name"] == "etalab-2.0"
    assert len(data["features"]) == 3
    assert "Caché" not in {f["properties"]["nom"] for f in data["features"]}
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (feature["properties"]["longitude"], feature["properties"]["latitude"])
        assert list(feature["properties"]) == list(opendata.COLUMNS)
        assert feature["id"] == feature["properties"]["id"]


def test_geojson_properties_are_json_typed(client, places):
    data = json.loads(content(client.get(reverse(GEOJSON_URL))))
    full = next(f for f in data["features"] if f["id"] == places["full"].pk)["properties"]
    assert full["types"] == ["fablab", "coworking"]
    assert full["ouvert_depuis"] == "2019-09-01"
    assert full["acces_pmr"] is True
    assert full["acces_fibre"] is False
    assert full["ferme_le"] is None


def test_geojson_attribution_credits_the_sources_exported(client, places):
    data = json.loads(content(client.get(reverse(GEOJSON_URL))))
    assert django_settings.TERRITORY_REGION_NAME in data["attribution"]
    assert SOURCE_ATTRIBUTIONS[PlaceSource.CGET_2019] in data["attribution"]
    assert SOURCE_ATTRIBUTIONS[PlaceSource.FRANCE_TIERS_LIEUX] in data["attribution"]
    only_limoges = json.loads(content(client.get(reverse(GEOJSON_URL), {"departement": "64"})))
    assert SOURCE_ATTRIBUTIONS[PlaceSource.CGET_2019] not in only_limoges["attribution"]


def test_empty_geojson_is_valid_json(client, db):
    data = json.loads(content(client.get(reverse(GEOJSON_URL))))
    assert data["features"] == []


# --- the schema and the pure helpers ------------------------------------------------------


def test_schema_matches_the_export_and_the_model_choices():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    assert tuple(fields) == opendata.COLUMNS
    enums = {
        "statut": PlaceState,
        "precision_localisation": LocationPrecision,
        "mode_gestion": LegalForm,
        "source": PlaceSource,
    }
    for name, choices in enums.items():
        assert fields[name]["constraints"]["enum"] == choices.values, name
    for name, choices in {"types": PlaceKind, "services": PlaceService}.items():
        pattern = fields[name]["constraints"]["pattern"]
        assert all(
            f"|{value}|" in pattern.replace("(", "|").replace(")", "|") for value in choices.values
        )
    assert schema["licenses"] == [opendata.LICENCE]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (["a", "b"], "a|b"),
        ([], ""),
        (datetime.date(2024, 2, 29), "2024-02-29"),
        (0.00001, "0.000010"),
        (-0.5791801, "-0.579180"),
        (42, "42"),
        ("texte", "texte"),
    ],
)
def test_csv_value(value, text):
    assert opendata.csv_value(value) == text


def test_filters_from_query_ignores_unknown_keys():
    filters = opendata.filters_from_query({"departement": " 33 ", "page": "2"})
    assert filters == opendata.PlaceFilters(departement="33")


def test_downloads_are_written_once_per_state_of_the_directory(client, db):
    """The files are cached (gzipped) per state of the directory: a new place is in the next
    download, and a client that accepts gzip gets the compressed bytes."""
    import gzip

    from tests.places.factories import PlaceFactory

    PlaceFactory(name="Premier lieu")
    url = reverse("places:opendata_csv")
    first = b"".join(client.get(url).streaming_content).decode()
    assert "Premier lieu" in first
    PlaceFactory(name="Second lieu")
    second = b"".join(client.get(url).streaming_content).decode()
    assert "Premier lieu" in second and "Second lieu" in second
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(zipped.streaming_content)).decode() == second
    geojson = client.get(reverse("places:opendata_geojson"), HTTP_ACCEPT_ENCODING="gzip")
    assert b"Second lieu" in gzip.decompress(b"".join(geojson.streaming_content))
