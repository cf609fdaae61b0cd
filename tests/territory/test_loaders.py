"""Readers of the territory files (no database)."""

import gzip
import shutil

import numpy as np
import pytest
from django.conf import settings

from tierslieux.territory import loaders


def test_metropolitan_grid_reads_372383_cells():
    grid = loaders.population_grid_read(settings.TERRITORY_DATA_DIR / loaders.METRO_GRID_FILE)
    assert len(grid) == 372_383
    assert int(grid.population.sum()) == 65_069_548
    assert {"33", "2A", "75"} <= set(np.unique(grid.area_code).tolist())


def test_regional_grid_reads_with_commune_codes():
    grid = loaders.population_grid_read(settings.TERRITORY_DATA_DIR / loaders.REGION_GRID_FILE)
    assert len(grid) == 65_424
    assert int(grid.population.sum()) == 6_039_350
    assert all(len(code) == 5 for code in grid.area_code[:100].tolist())


def test_missing_column_is_reported_with_the_file(tmp_path):
    path = tmp_path / "grid.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("x_m,y_m,population\n1,2,3\n")
    with pytest.raises(loaders.TerritoryFileError, match=r"grid.csv.gz: missing columns"):
        loaders.population_grid_read(path)


def test_bad_value_is_reported_with_its_line(tmp_path):
    shutil.copy(settings.TERRITORY_DATA_DIR / loaders.REGIONS_FILE, tmp_path)
    (tmp_path / loaders.REGION_GRID_FILE).write_bytes(
        gzip.compress(b"x_m,y_m,population,lon,lat,commune\n1,2,3,0.1,45.0,33063\n1,2,x,0,0,1\n")
    )
    with pytest.raises(loaders.TerritoryFileError, match="line 3"):
        loaders.cells_read(tmp_path)
