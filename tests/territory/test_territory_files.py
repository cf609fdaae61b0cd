"""The committed territory of the 18 regions, pinned from the files (readers only, no database).

Figures of issue 14, from ``@etalab/decoupage-administratif`` 6.0.0 (ADR 0028). The issue's
"metropolitan France 34,840 communes, 66,767,958 inhabitants" counts every current commune of
the package outside the five overseas regions, so it includes the 94 communes (602,143
inhabitants) of the overseas collectivities, which belong to no region; the 13 metropolitan
regions hold 34,746 communes and 66,165,815 inhabitants.
"""

import csv

import numpy as np
import pytest
from django.conf import settings

from tierslieux.core.regions import METROPOLITAN, OVERSEAS, REGIONS
from tierslieux.territory import loaders

DATA = settings.TERRITORY_DATA_DIR


@pytest.fixture(scope="module")
def index():
    return loaders.regions_read(DATA)


@pytest.fixture(scope="module")
def communes():
    return loaders.communes_read(DATA, REGIONS)


def test_the_index_lists_the_18_regions_with_their_demand_kind(index):
    assert tuple(index) == tuple(REGIONS)
    assert {code for code, r in index.items() if r.demand == loaders.DEMAND_GRID} == set(
        METROPOLITAN
    )
    for code in OVERSEAS:
        assert index[code].demand == loaders.DEMAND_COMMUNE_POINTS
        assert (index[code].grid_file, index[code].grid_cells) == ("", 0)
    for code, region in index.items():
        assert region.communes_file == loaders.communes_file(code)
        assert (DATA / region.communes_file).exists()
        if region.grid_file:
            assert (DATA / region.grid_file).exists()


def test_the_18_regions_hold_34875_communes_and_68350798_inhabitants(communes, index):
    assert len(communes) == 34_875
    assert len({c.code for c in communes}) == 34_875
    assert sum(c.population for c in communes) == 68_350_798
    assert sum(r.communes for r in index.values()) == 34_875
    assert sum(r.population for r in index.values()) == 68_350_798


def test_the_18_regions_have_101_departements(communes):
    departements = loaders.departements_read(DATA)
    served = {d.code for d in departements if d.region_code in REGIONS}
    assert len(served) == 101
    assert {c.departement for c in communes} == served


def test_metropolitan_france_holds_34746_communes_and_66165815_inhabitants(communes, index):
    overseas_departements = {"971", "972", "973", "974", "976"}
    metro = [c for c in communes if c.departement not in overseas_departements]
    assert len(metro) == sum(index[code].communes for code in METROPOLITAN) == 34_746
    assert sum(c.population for c in metro) == 66_165_815
    # The figure adds the overseas collectivities (no region): 94 communes, 602,143
    # inhabitants, absent from the files.
    assert (34_746 + 94, 66_165_815 + 602_143) == (34_840, 66_767_958)


def test_mayotte_and_the_other_overseas_regions_are_complete(communes):
    by_departement: dict[str, list] = {}
    for c in communes:
        by_departement.setdefault(c.departement, []).append(c)
    counts = {dep: len(by_departement[dep]) for dep in ("971", "972", "973", "974", "976")}
    assert counts == {"971": 32, "972": 34, "973": 22, "974": 24, "976": 17}
    mamoudzou = next(c for c in by_departement["976"] if c.code == "97611")
    assert mamoudzou.name == "Mamoudzou"
    assert -13.0 < mamoudzou.lat < -12.6 and 45.0 < mamoudzou.lon < 45.4
    assert mamoudzou.geometry["type"] in {"Polygon", "MultiPolygon"}


def test_every_commune_has_a_level_an_outline_and_an_epci_of_the_file(communes):
    epci = {e.code for e in loaders.epci_read(DATA)}
    assert all(1 <= c.density_level <= 7 for c in communes)
    assert all(c.geometry["type"] in {"Polygon", "MultiPolygon"} for c in communes)
    assert {c.epci for c in communes if c.epci} <= epci


def test_the_metropolitan_grid_is_split_by_region_without_loss(index):
    regional = loaders.region_grids_read(DATA, METROPOLITAN)
    assert len(regional) == sum(r.grid_cells for r in index.values()) == 372_383
    assert int(regional.population.sum()) == 65_069_548
    metro = loaders.population_grid_read(DATA / loaders.METRO_GRID_FILE)
    assert len(metro) == 372_383
    assert int(metro.population.sum()) == 65_069_548
    key = np.lexsort
    a, b = key((regional.y_m, regional.x_m)), key((metro.y_m, metro.x_m))
    np.testing.assert_array_equal(regional.x_m[a], metro.x_m[b])
    np.testing.assert_array_equal(regional.y_m[a], metro.y_m[b])
    np.testing.assert_array_equal(regional.population[a], metro.population[b])
    # Each cell's commune is in the département the source gives the cell.
    departement = np.array([c[:2] for c in regional.area_code.tolist()])
    np.testing.assert_array_equal(departement[a], metro.area_code[b])


def test_each_grid_cell_belongs_to_a_commune_of_its_region(index):
    with (DATA / loaders.DEPARTEMENTS_FILE).open(encoding="utf-8") as handle:
        region_of = {row["code"]: row["region_code"] for row in csv.DictReader(handle)}
    for code in ("94", "11"):
        grid = loaders.population_grid_read(DATA / index[code].grid_file)
        assert len(grid) == index[code].grid_cells
        assert int(grid.population.sum()) == index[code].grid_population
        assert {region_of[c[:2]] for c in set(grid.area_code.tolist())} == {code}


def test_nouvelle_aquitaine_reads_as_before():
    communes = loaders.communes_read(DATA)
    assert len(communes) == 4_293
    assert sum(c.population for c in communes) == 6_150_451
    assert len(loaders.cells_read(DATA)) == 65_424


def test_a_region_missing_from_the_index_is_named(tmp_path):
    (tmp_path / loaders.REGIONS_FILE).write_text(
        (DATA / loaders.REGIONS_FILE).read_text(encoding="utf-8").splitlines()[0] + "\n",
        encoding="utf-8",
    )
    with pytest.raises(loaders.TerritoryFileError, match="no files for region"):
        loaders.communes_read(tmp_path, ["94"])


def test_a_file_that_disagrees_with_the_index_is_refused(tmp_path):
    lines = (DATA / loaders.REGIONS_FILE).read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], [line for line in lines[1:] if line.startswith("06,")]
    row = rows[0].split(",")
    row[3] = "18"  # communes
    (tmp_path / loaders.REGIONS_FILE).write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    (tmp_path / loaders.communes_file("06")).write_bytes(
        (DATA / loaders.communes_file("06")).read_bytes()
    )
    with pytest.raises(loaders.TerritoryFileError, match=r"17 communes, regions\.csv says 18"):
        loaders.communes_read(tmp_path, ["06"])
