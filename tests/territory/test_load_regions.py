"""Loading the territory region by region: the setting decides, nothing is half-applied (ADR 0028).

The test database holds Nouvelle-Aquitaine (tests/conftest.py); the one slow test loads two small
regions (Corse, Mayotte) on top of it, inside the test's transaction.
"""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from tests.calls.factories import CallFactory
from tests.places.factories import PlaceFactory
from tierslieux.territory import loaders
from tierslieux.territory.models import CellKind, Commune, Departement, Epci, PopulationCell
from tierslieux.territory.selectors import region_demand_kind
from tierslieux.territory.served import loaded_regions
from tierslieux.territory.services import TerritoryRegionError, territory_load

pytestmark = pytest.mark.django_db


def _corsican_commune() -> Commune:
    """A commune of region 94, as if Corse had been loaded when the deployment served it."""
    return Commune.objects.create(
        code="2A004",
        name="Ajaccio",
        departement_id="2A",
        population=73_000,
        population_2021=72_000,
        density_level=2,
        lon=8.74,
        lat=41.93,
        geometry={"type": "Point", "coordinates": [8.74, 41.93]},
    )


def test_naming_a_region_outside_the_setting_is_refused_with_the_setting_to_change():
    with pytest.raises(CommandError, match=r"TERRITORY_REGIONS=75\b.*set TERRITORY_REGIONS=75,84"):
        call_command("load_territory", regions="84", stdout=StringIO())
    assert loaded_regions() == ("75",)


def test_all_is_refused_when_the_deployment_serves_one_region():
    with pytest.raises(CommandError, match="set TERRITORY_REGIONS=01,02,03"):
        call_command("load_territory", regions="all", stdout=StringIO())


def test_an_unknown_region_code_is_refused():
    with pytest.raises(CommandError, match="Unknown region code"):
        call_command("load_territory", regions="75,99", stdout=StringIO())


def test_dropping_a_region_that_still_holds_records_is_refused_and_nothing_changes():
    _corsican_commune()
    CallFactory(region_code="94")
    PlaceFactory(commune=Commune.objects.get(code="2A004"))
    with pytest.raises(TerritoryRegionError) as error:
        territory_load()
    message = str(error.value)
    assert "94 Corse" in message
    assert "1 calls.Call" in message and "1 places.Place" in message
    assert "TERRITORY_REGIONS=75" in message and "Nothing was changed" in message
    assert Commune.objects.filter(code="2A004").exists()


def test_a_region_no_longer_served_and_holding_nothing_is_dropped():
    commune = _corsican_commune()
    PopulationCell.objects.create(
        kind=CellKind.COMMUNE_POINT, population=1, lon=8.74, lat=41.93, commune=commune
    )
    report = territory_load()
    assert report.dropped == ("94",)
    assert report.dropped_rows == 2
    assert not Commune.objects.filter(code="2A004").exists()
    assert loaded_regions() == ("75",)
    assert report.communes.unchanged == 4_293 and report.cells.unchanged == 65_424


def test_region_demand_kind_says_overseas_demand_is_commune_points():
    assert region_demand_kind("75") == CellKind.GRID_1KM
    assert region_demand_kind("06") == CellKind.COMMUNE_POINT
    assert region_demand_kind("03") == CellKind.COMMUNE_POINT
    with pytest.raises(ValueError):
        region_demand_kind("99")


def _small_data_dir(tmp_path, settings):
    data_dir = tmp_path / "territory"
    data_dir.mkdir()
    names = [
        loaders.REGIONS_FILE,
        loaders.DEPARTEMENTS_FILE,
        loaders.EPCI_FILE,
        loaders.communes_file("94"),
        loaders.grid_file("94"),
        loaders.communes_file("06"),
    ]
    for name in names:
        shutil.copy(settings.TERRITORY_DATA_DIR / name, data_dir)
    return data_dir


@pytest.mark.slow  # loads two regions on top of the session's territory
def test_two_small_regions_load_all_or_nothing_then_idempotently(tmp_path, settings):
    settings.TERRITORY_REGIONS = ("06", "75", "94")
    data_dir = _small_data_dir(tmp_path, settings)

    # A file error found after the départements were written: everything is rolled back.
    departements = (data_dir / loaders.DEPARTEMENTS_FILE).read_text(encoding="utf-8")
    (data_dir / loaders.DEPARTEMENTS_FILE).write_text(
        departements.replace("2A,Corse-du-Sud,94", "2A,Changed,94"), encoding="utf-8"
    )
    epci = (data_dir / loaders.EPCI_FILE).read_text(encoding="utf-8").splitlines()
    mayotte_epci = "200050532"  # CC de Petite-Terre (Mayotte)
    assert any(line.startswith(mayotte_epci) for line in epci)
    (data_dir / loaders.EPCI_FILE).write_text(
        "\n".join(line for line in epci if not line.startswith(mayotte_epci)) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=f"missing EPCI {mayotte_epci}"):
        call_command("load_territory", regions="94,06", data_dir=data_dir, stdout=StringIO())
    assert Departement.objects.get(code="2A").name == "Corse-du-Sud"
    assert loaded_regions() == ("75",)

    # The real files: 360 + 17 communes, Corse's 2,957 cells, Mayotte's 17 commune points.
    shutil.copy(settings.TERRITORY_DATA_DIR / loaders.DEPARTEMENTS_FILE, data_dir)
    shutil.copy(settings.TERRITORY_DATA_DIR / loaders.EPCI_FILE, data_dir)
    out = StringIO()
    call_command("load_territory", regions="94,06", data_dir=data_dir, stdout=out)
    assert "read 06 Mayotte: 17 communes, 17 commune points (no 1 km grid)" in out.getvalue()
    assert loaded_regions() == ("06", "75", "94")
    assert Commune.objects.filter(departement__region_code="94").count() == 360
    mayotte = PopulationCell.objects.filter(commune__departement__region_code="06")
    assert set(mayotte.values_list("kind", flat=True)) == {CellKind.COMMUNE_POINT}
    assert mayotte.count() == 17
    assert mayotte.aggregate(total=Sum("population"))["total"] == 256_518
    assert not mayotte.filter(x_m__isnull=False).exists()
    corse = PopulationCell.objects.filter(commune__departement__region_code="94")
    assert set(corse.values_list("kind", flat=True)) == {CellKind.GRID_1KM}
    assert corse.count() == 2_957
    assert Epci.objects.filter(communes__departement__region_code="06").distinct().count() == 5
    assert PopulationCell.objects.filter(commune__departement__region_code="75").count() == 65_424

    # A second run changes nothing, and says so.
    out = StringIO()
    call_command("load_territory", regions="94,06", data_dir=data_dir, stdout=out)
    assert "Territory already up to date: nothing changed" in out.getvalue()
