"""The real territory of Nouvelle-Aquitaine, as loaded from data/territory (pinned figures)."""

import gzip
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from tierslieux.territory.models import Commune, Departement, Epci, PopulationCell
from tierslieux.territory.selectors import departement_table, region_figures
from tierslieux.territory.services import territory_load

pytestmark = pytest.mark.django_db


def test_region_75_has_4293_communes_and_6150451_inhabitants():
    communes = Commune.objects.filter(departement__region_code="75")
    assert communes.count() == 4293
    assert communes.aggregate(total=Sum("population"))["total"] == 6_150_451


def test_region_has_12_departements():
    codes = set(Commune.objects.values_list("departement_id", flat=True))
    assert codes == {"16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"}
    assert Departement.objects.get(code="33").name == "Gironde"


def test_rural_share_of_2021_population_is_50_66_percent():
    figures = region_figures()
    assert round(figures.rural_share_2021 * 100, 2) == 50.66


def test_population_grid_has_65424_cells_and_6039350_inhabitants():
    assert PopulationCell.objects.count() == 65_424
    assert PopulationCell.objects.aggregate(total=Sum("population"))["total"] == 6_039_350


def test_every_commune_has_an_epci_a_level_and_a_point_inside_the_region():
    assert not Commune.objects.filter(epci__isnull=True).exists()
    assert Epci.objects.count() > 100
    levels = set(Commune.objects.values_list("density_level", flat=True))
    assert levels <= set(range(1, 8))
    # Nouvelle-Aquitaine lies between these meridians and parallels.
    lons = Commune.objects.values_list("lon", flat=True)
    lats = Commune.objects.values_list("lat", flat=True)
    assert all(-2.0 < lon < 2.7 for lon in lons)
    assert all(42.7 < lat < 47.2 for lat in lats)


def test_known_communes():
    bordeaux = Commune.objects.get(code="33063")
    assert bordeaux.name == "Bordeaux"
    assert bordeaux.density_level == 1
    assert bordeaux.geometry["type"] in {"Polygon", "MultiPolygon"}
    assert "33000" in bordeaux.postal_codes


def test_departement_table_adds_up_to_the_region():
    rows = departement_table()
    assert len(rows) == 12
    assert sum(r.communes for r in rows) == 4293
    assert sum(r.population for r in rows) == 6_150_451
    assert sum(r.grid_population for r in rows) == 6_039_350


def test_loading_twice_changes_nothing():
    report = territory_load()
    assert report.changed == 0
    assert report.communes.unchanged == 4293
    assert report.cells.unchanged == 65_424


def test_a_changed_file_updates_only_what_changed(tmp_path, settings):
    data_dir = tmp_path / "territory"
    shutil.copytree(settings.TERRITORY_DATA_DIR, data_dir)
    path = data_dir / "communes_75.geojson.gz"
    collection = json.loads(gzip.decompress(path.read_bytes()))
    feature = next(f for f in collection["features"] if f["properties"]["code"] == "33063")
    feature["properties"]["population"] += 1
    path.write_bytes(gzip.compress(json.dumps(collection).encode()))

    report = territory_load(data_dir=data_dir)

    assert (report.communes.updated, report.communes.created) == (1, 0)
    assert report.cells.changed == 0
    assert Commune.objects.get(code="33063").population == feature["properties"]["population"]


def test_a_broken_file_is_refused_and_nothing_changes(tmp_path, settings):
    data_dir = tmp_path / "territory"
    shutil.copytree(settings.TERRITORY_DATA_DIR, data_dir)
    path = data_dir / "epci.csv"
    path.write_text("siren,label\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing columns"):
        call_command("load_territory", data_dir=data_dir)
    assert Commune.objects.count() == 4293
