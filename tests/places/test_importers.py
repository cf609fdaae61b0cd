"""Importers: each format on real or invented files, each kind of bad row, all-or-nothing."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.accounts.factories import UserFactory
from tierslieux.places.importers import read_file
from tierslieux.places.models import LocationPrecision, Place, PlaceSource, PlaceState
from tierslieux.places.services import ImportRejected, places_import

FIXTURES = Path(__file__).parent / "fixtures"
CGET = Path(settings.BASE_DIR) / "data" / "places" / "cget_tiers_lieux_2019.csv"
CGET_HEADER = CGET.read_text(encoding="utf-8").splitlines()[0]


@pytest.fixture
def staff(db):
    return UserFactory(network=True)


def cget_row(**cells) -> str:
    columns = CGET_HEADER.split(",")
    values = dict.fromkeys(columns, "")
    values.update(
        ID="9001",
        NOM_TL="Lieu inventé",
        ADRESSE="1 rue du Test",
        CP="33000",
        INSEECOM="33063",
        NOMCOM="Bordeaux",
        TYPO="Tiers lieux à dominante coworking",
        LAT="44.8378",
        LONG="-0.5792",
        INSEEREG="75",
    )
    values.update(cells)
    return ",".join(values[c] for c in columns)


def cget_file(*rows: str) -> bytes:
    return ("\n".join([CGET_HEADER, *rows]) + "\n").encode()


# --- the real census ---------------------------------------------------------------------


@pytest.mark.django_db
def test_real_cget_census_imports_225_places_of_nouvelle_aquitaine(staff):
    report = places_import(source="cget_2019", data=CGET.read_bytes(), by=staff)
    assert (report.created, report.skipped) == (225, 1287)
    assert Place.objects.filter(source=PlaceSource.CGET_2019).count() == 225
    assert report.resolved_by["former_insee"] == 1  # Le Quai, Montignac-Charente (16226)
    # Notes in the website column (241, 1415) and in the social columns (several addresses in
    # one cell, a name, a handle): left out, with a warning.
    assert {w.line for w in report.warnings} == {160, 185, 241, 243, 247, 250, 257, 1415}
    assert any("La Loco" in str(pair) for pair in report.duplicates)
    ussel = Place.objects.get(source_id="35")  # INSEE code 0 in the file: found by its point
    assert ussel.commune_id == "19275"
    assert Place.objects.get(source_id="24").attribution.startswith("CGET / ANCT")


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(staff):
    places_import(source="cget_2019", data=CGET.read_bytes(), by=staff)
    before = list(Place.objects.order_by("pk").values_list("pk", "updated_at"))
    report = places_import(source="cget_2019", data=CGET.read_bytes(), by=staff)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 225)
    assert list(Place.objects.order_by("pk").values_list("pk", "updated_at")) == before


@pytest.mark.django_db
def test_a_changed_row_is_updated_in_place(staff):
    places_import(source="cget_2019", data=cget_file(cget_row()), by=staff)
    report = places_import(
        source="cget_2019", data=cget_file(cget_row(NOM_TL="Nouveau nom")), by=staff
    )
    assert (report.created, report.updated) == (0, 1)
    assert Place.objects.get(source_id="9001").name == "Nouveau nom"


# --- each kind of bad row ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"NOM_TL": ""}, "nom manquant"),
        ({"LAT": "quarante"}, "latitude illisible"),
        ({"LAT": "144.0"}, "coordonnées hors limites"),
        ({"CP": "3300A"}, "code postal invalide"),
        ({"TYPO": "Tiers lieux à dominante brasserie"}, "typologie inconnue"),
        ({"ID": ""}, "identifiant"),
        (
            {"INSEECOM": "75056", "LAT": "48.85", "LONG": "2.35", "CP": "75001", "NOMCOM": "Paris"},
            "commune introuvable",
        ),
    ],
)
@pytest.mark.django_db
def test_each_bad_row_is_reported_with_its_line_and_nothing_is_written(staff, cells, reason):
    data = cget_file(
        cget_row(ID="1"), cget_row(**cells) if "ID" in cells else cget_row(ID="2", **cells)
    )
    with pytest.raises(ImportRejected) as caught:
        places_import(source="cget_2019", data=data, by=staff)
    assert [e.line for e in caught.value.errors] == [3]
    assert reason in caught.value.errors[0].reason
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_a_repeated_id_is_a_bad_row(staff):
    with pytest.raises(ImportRejected) as caught:
        places_import(source="cget_2019", data=cget_file(cget_row(), cget_row()), by=staff)
    assert "déjà vu ligne 2" in caught.value.errors[0].reason


@pytest.mark.django_db
def test_missing_columns_and_bad_encoding_are_reported(staff):
    with pytest.raises(ImportRejected, match="bad row") as caught:
        places_import(source="cget_2019", data=b"ID,NOM_TL\n1,x\n", by=staff)
    assert "colonnes manquantes" in caught.value.errors[0].reason
    with pytest.raises(ImportRejected) as caught:
        places_import(
            source="cget_2019", data=cget_file(cget_row()).replace(b"\xc3\xa9", b"\xe9"), by=staff
        )
    assert "UTF-8" in caught.value.errors[0].reason


@pytest.mark.django_db
def test_a_model_rule_is_checked_before_writing(staff):
    data = cget_file(cget_row(NOM_TL="x" * 250))
    with pytest.raises(ImportRejected) as caught:
        places_import(source="cget_2019", data=data, by=staff)
    assert caught.value.errors[0].line == 2
    assert "name" in caught.value.errors[0].reason


@pytest.mark.django_db
def test_dry_run_writes_nothing(staff):
    report = places_import(source="cget_2019", data=cget_file(cget_row()), by=staff, dry_run=True)
    assert report.created == 1
    assert not Place.objects.exists()


@pytest.mark.django_db
def test_only_directory_staff_may_import():
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        places_import(source="cget_2019", data=cget_file(cget_row()), by=UserFactory(holder=True))


# --- the other formats -------------------------------------------------------------------


@pytest.mark.django_db
def test_france_tiers_lieux_format_with_decimal_commas_and_bom(staff):
    data = (FIXTURES / "bdftl-2025-01-fiche-identite.csv").read_bytes()
    report = places_import(source="france_tiers_lieux", data=data, by=staff)
    assert report.created == 3
    ruche = Place.objects.get(source_id="FTL-0001")
    assert ruche.commune_id == "24322"  # Périgueux, found by its point
    assert ruche.kinds == ["coworking", "fablab"]
    assert ruche.lat == pytest.approx(45.1842)
    assert ruche.website == "https://www.ruche-inventee.example"
    assert Place.objects.get(source_id="FTL-0002").state == PlaceState.PROJECT
    closed = Place.objects.get(source_id="FTL-0003")
    assert closed.state == PlaceState.CLOSED and closed.closed_on is not None


@pytest.mark.django_db
def test_region_layer_format_with_codes(staff):
    data = (FIXTURES / "region-layer.csv").read_bytes()
    report = places_import(source="region_layer", data=data, by=staff)
    assert report.created == 2
    fablab = Place.objects.get(source_id="NA-101")
    assert (fablab.commune_id, fablab.kinds, fablab.legal_form) == ("79191", ["fablab"], "136")
    assert fablab.services == ["digital_mediation", "training"]
    assert (fablab.fibre_access, fablab.pmr_accessible) == (True, True)
    farm = Place.objects.get(source_id="NA-102")
    assert farm.kinds == ["shared_farmland", "coworking"]
    assert farm.services == ["cafe", "food_shop"]


def test_region_layer_unknown_codes_are_bad_rows():
    data = (FIXTURES / "region-layer.csv").read_bytes().replace(b";9;", b";4;")
    data = data.replace(b";134\n", b";999\n")
    parsed = read_file("region_layer", data)
    assert [str(e) for e in parsed.errors] == [
        "ligne 2 : code de typologie inconnu : « 4 » (5, 7, 8 ou 9)",
        "ligne 3 : code de mode de gestion inconnu : « 999 »",
    ]


@pytest.mark.django_db
def test_geojson_format(staff):
    report = places_import(
        source="geojson", data=(FIXTURES / "places.geojson").read_bytes(), by=staff
    )
    assert report.created == 2
    biarritz = Place.objects.get(source_id="G-1")
    assert (biarritz.commune_id, biarritz.kinds) == ("64122", ["coworking", "hybrid"])
    assert (biarritz.pmr_accessible, biarritz.fibre_access) == (True, False)
    assert Place.objects.get(source_id="G-2").commune_id == "86194"


def test_geojson_bad_features():
    data = b"""{"type": "FeatureCollection", "features": [
      {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []},
       "properties": {"id": "1", "nom": "x"}},
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.3, 46.5]},
       "properties": {"id": "2", "nom": "y", "types": "brewery"}}
    ]}"""
    parsed = read_file("geojson", data)
    assert [e.line for e in parsed.errors] == [1, 2]
    assert "Polygon" in parsed.errors[0].reason
    assert "type inconnu" in parsed.errors[1].reason
    assert read_file("geojson", b"not json").errors[0].reason.startswith("GeoJSON illisible")


@pytest.mark.django_db
def test_point_without_coordinates_gets_the_town_hall(staff):
    data = cget_file(cget_row(LAT="", LONG=""))
    places_import(source="cget_2019", data=data, by=staff)
    place = Place.objects.get()
    assert place.location_precision == LocationPrecision.COMMUNE
    assert (place.lon, place.lat) == (place.commune.lon, place.commune.lat)


@pytest.mark.django_db
def test_command_reports_bad_rows_and_fails(tmp_path, staff, capsys):
    UserFactory(superuser=True)
    path = tmp_path / "bad.csv"
    path.write_bytes(cget_file(cget_row(LAT="x")))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_places", str(path), format="cget_2019")
    assert "bad.csv:2: latitude illisible" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_database_rule_names_the_bad_row(staff):
    data = b"""{"type": "FeatureCollection", "features": [
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.34, 46.58]},
       "properties": {"id": "ok", "nom": "Bon"}},
      {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.34, 46.58]},
       "properties": {"id": "bad", "nom": "Mauvais", "statut": "closed",
                      "ouvert_depuis": "2020-05-01", "ferme_le": "2019-01-01"}}
    ]}"""
    with pytest.raises(ImportRejected) as caught:
        places_import(source="geojson", data=data, by=staff)
    assert [e.line for e in caught.value.errors] == [2]
    assert not Place.objects.exists()
