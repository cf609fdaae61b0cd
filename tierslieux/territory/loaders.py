"""Readers of the committed territory files (``data/territory``), with no database access.

Each reader returns plain frozen dataclasses or numpy arrays; ``services.territory_load`` writes
them to the database. ``population_grid_read`` also serves national runs on the metropolitan
grid, which is not loaded into the database.

Layout (ADR 0028): ``regions.csv`` indexes the per-region files, one row per region with its
figures; ``communes_<region>.geojson.gz`` for each of the 18 regions;
``population_grid_1km_<region>.csv.gz`` for each of the 13 metropolitan regions (the overseas
regions have none: their demand is their communes' population at the town halls);
``departements.csv`` and ``epci.csv`` for the whole country; and
``population_grid_1km_france_metro.csv.gz``, the whole metropolitan grid with départements.
"""

import csv
import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

DEPARTEMENTS_FILE = "departements.csv"
EPCI_FILE = "epci.csv"
REGIONS_FILE = "regions.csv"
METRO_GRID_FILE = "population_grid_1km_france_metro.csv.gz"
DEFAULT_REGIONS = ("75",)
"""The regions the readers read when none are named: Nouvelle-Aquitaine, the default deployment."""

DEMAND_GRID = "grid_1km"
DEMAND_COMMUNE_POINTS = "commune_points"


def communes_file(region: str) -> str:
    """The name of a region's communes file."""
    return f"communes_{region}.geojson.gz"


def grid_file(region: str) -> str:
    """The name of a metropolitan region's 1 km grid file."""
    return f"population_grid_1km_{region}.csv.gz"


REGION_GRID_FILE = grid_file("75")
"""Nouvelle-Aquitaine's 1 km grid (the default region)."""


class TerritoryFileError(ValueError):
    """A territory file is missing a column or holds a bad value (file and line given)."""


@dataclass(frozen=True, slots=True)
class RegionFiles:
    """One row of ``regions.csv``: a region's files and the figures they must hold."""

    code: str
    name: str
    demand: str
    """``grid_1km`` (metropolitan) or ``commune_points`` (overseas: no 1 km grid)."""
    communes: int
    population: int
    departements: int
    epci: int
    grid_cells: int
    grid_population: int
    communes_file: str
    grid_file: str
    """Empty when the region has no grid."""


@dataclass(frozen=True, slots=True)
class DepartementRow:
    code: str
    name: str
    region_code: str


@dataclass(frozen=True, slots=True)
class EpciRow:
    code: str
    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class CommuneRow:
    code: str
    name: str
    departement: str
    epci: str | None
    population: int
    population_2021: int
    density_level: int
    postal_codes: tuple[str, ...]
    former_codes: tuple[str, ...]
    lon: float
    lat: float
    geometry: dict


@dataclass(frozen=True, slots=True)
class CellRow:
    x_m: int
    y_m: int
    population: int
    lon: float
    lat: float
    commune: str


@dataclass(frozen=True)
class PopulationGrid:
    """A 1 km population grid as parallel arrays (one entry per populated cell)."""

    x_m: npt.NDArray[np.int64]
    y_m: npt.NDArray[np.int64]
    population: npt.NDArray[np.int64]
    lon: npt.NDArray[np.float64]
    lat: npt.NDArray[np.float64]
    area_code: npt.NDArray[np.str_]
    """Commune code (regional grid) or département code (metropolitan grid) of each cell."""

    FIELDS = ("x_m", "y_m", "population", "lon", "lat", "area_code")

    def __len__(self) -> int:
        return int(self.population.shape[0])


def regions_read(data_dir: Path) -> dict[str, RegionFiles]:
    """The index of the per-region files, by region code (INSEE order)."""
    path = data_dir / REGIONS_FILE
    numbers = (
        "communes",
        "population",
        "departements",
        "epci",
        "grid_cells",
        "grid_population",
    )
    texts = ("code", "name", "demand", "communes_file", "grid_file")
    regions = {}
    for line, r in _csv_rows(path, {*numbers, *texts}):
        try:
            row = RegionFiles(
                **{name: r[name] for name in texts}, **{name: int(r[name]) for name in numbers}
            )
        except ValueError as exc:
            raise TerritoryFileError(f"{path}: line {line}: {exc}") from exc
        if row.demand not in (DEMAND_GRID, DEMAND_COMMUNE_POINTS):
            raise TerritoryFileError(f"{path}: line {line}: unknown demand {row.demand!r}")
        regions[row.code] = row
    return regions


def _region_files(data_dir: Path, regions: Iterable[str]) -> list[RegionFiles]:
    index = regions_read(data_dir)
    missing = [code for code in regions if code not in index]
    if missing:
        raise TerritoryFileError(
            f"{data_dir / REGIONS_FILE}: no files for region(s) {', '.join(missing)} "
            "(rebuild them with scripts/build_territory.py --regions ...)"
        )
    return [index[code] for code in regions]


def _open_text(path: Path) -> io.TextIOBase:
    if not path.exists():
        raise TerritoryFileError(f"{path}: file not found")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _csv_rows(path: Path, required: set[str]) -> Iterator[tuple[int, dict[str, str]]]:
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        missing = required - set(reader.fieldnames or [])
        if missing:
            raise TerritoryFileError(f"{path}: missing columns {sorted(missing)}")
        for row in reader:
            yield reader.line_num, row


def departements_read(data_dir: Path) -> list[DepartementRow]:
    path = data_dir / DEPARTEMENTS_FILE
    return [
        DepartementRow(code=r["code"], name=r["name"], region_code=r["region_code"])
        for _, r in _csv_rows(path, {"code", "name", "region_code"})
    ]


def epci_read(data_dir: Path) -> list[EpciRow]:
    path = data_dir / EPCI_FILE
    return [
        EpciRow(code=r["code"], name=r["name"], kind=r["kind"])
        for _, r in _csv_rows(path, {"code", "name", "kind"})
    ]


def communes_read(data_dir: Path, regions: Iterable[str] = DEFAULT_REGIONS) -> list[CommuneRow]:
    """The communes of ``regions``, region by region, each file checked against its count."""
    rows: list[CommuneRow] = []
    for region in _region_files(data_dir, regions):
        path = data_dir / region.communes_file
        found = _communes_file_read(path)
        if len(found) != region.communes:
            raise TerritoryFileError(
                f"{path}: {len(found)} communes, {REGIONS_FILE} says {region.communes}"
            )
        rows.extend(found)
    return rows


def _communes_file_read(path: Path) -> list[CommuneRow]:
    with _open_text(path) as handle:
        collection = json.load(handle)
    rows = []
    for number, feature in enumerate(collection.get("features", []), start=1):
        props = feature.get("properties") or {}
        try:
            rows.append(
                CommuneRow(
                    code=str(props["code"]),
                    name=str(props["name"]),
                    departement=str(props["departement"]),
                    epci=props.get("epci") or None,
                    population=int(props["population"]),
                    population_2021=int(props["population_2021"]),
                    density_level=int(props["density_level"]),
                    postal_codes=tuple(props.get("postal_codes") or ()),
                    former_codes=tuple(props.get("former_codes") or ()),
                    lon=float(props["lon"]),
                    lat=float(props["lat"]),
                    geometry=feature["geometry"],
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TerritoryFileError(f"{path}: feature {number}: {exc!r}") from exc
    return rows


def cells_read(data_dir: Path, regions: Iterable[str] = DEFAULT_REGIONS) -> list[CellRow]:
    """The 1 km cells of ``regions`` (none for a region without a grid), each file checked
    against its count."""
    rows: list[CellRow] = []
    for region in _region_files(data_dir, regions):
        if not region.grid_file:
            continue
        path = data_dir / region.grid_file
        found = _cells_file_read(path)
        if len(found) != region.grid_cells:
            raise TerritoryFileError(
                f"{path}: {len(found)} cells, {REGIONS_FILE} says {region.grid_cells}"
            )
        rows.extend(found)
    return rows


def _cells_file_read(path: Path) -> list[CellRow]:
    rows = []
    for line, r in _csv_rows(path, {"x_m", "y_m", "population", "lon", "lat", "commune"}):
        try:
            rows.append(
                CellRow(
                    x_m=int(r["x_m"]),
                    y_m=int(r["y_m"]),
                    population=int(r["population"]),
                    lon=float(r["lon"]),
                    lat=float(r["lat"]),
                    commune=r["commune"],
                )
            )
        except ValueError as exc:
            raise TerritoryFileError(f"{path}: line {line}: {exc}") from exc
    return rows


def population_grid_read(path: Path) -> PopulationGrid:
    """Read a 1 km grid file (regional or metropolitan) into arrays.

    The area code column is ``commune`` in the regional file and ``departement`` in the
    metropolitan one.
    """
    with _open_text(path) as handle:
        header = handle.readline().strip().split(",")
        area_column = "commune" if "commune" in header else "departement"
        needed = ["x_m", "y_m", "population", "lon", "lat", area_column]
        missing = [c for c in needed if c not in header]
        if missing:
            raise TerritoryFileError(f"{path}: missing columns {missing}")
        columns = [header.index(c) for c in needed]
        table = np.loadtxt(handle, delimiter=",", dtype=str, usecols=columns, ndmin=2)
    return PopulationGrid(
        x_m=table[:, 0].astype(np.int64),
        y_m=table[:, 1].astype(np.int64),
        population=table[:, 2].astype(np.int64),
        lon=table[:, 3].astype(np.float64),
        lat=table[:, 4].astype(np.float64),
        area_code=table[:, 5].astype(np.str_),
    )


def region_grids_read(data_dir: Path, regions: Iterable[str]) -> PopulationGrid:
    """The 1 km grids of ``regions`` joined into one (``area_code`` = commune), in the order
    of the regions; regions without a grid add nothing."""
    parts = [
        population_grid_read(data_dir / region.grid_file)
        for region in _region_files(data_dir, regions)
        if region.grid_file
    ]
    if not parts:
        empty_i, empty_f = np.array([], dtype=np.int64), np.array([], dtype=np.float64)
        return PopulationGrid(
            empty_i, empty_i, empty_i, empty_f, empty_f, np.array([], dtype=np.str_)
        )
    return PopulationGrid(
        *(np.concatenate([getattr(p, name) for p in parts]) for name in PopulationGrid.FIELDS)
    )
