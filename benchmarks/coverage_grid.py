"""Coverage of metropolitan France's 1 km grid: our KD-tree against the usual geopandas approach.

Instance: the 372,383 populated cells of the metropolitan 1 km grid
(``data/territory/population_grid_1km_france_metro.csv.gz``) and 3,500 *synthetic* places:
3,500 distinct cells drawn with probability proportional to their population (numpy
``default_rng(2019)``), each place at its cell's centre. A cell is covered when a place is within
20 minutes by the straight-line model (great-circle distance * 1.3 at 60 km/h, i.e. within
15.385 km as the crow flies).

- ours: ``travel.StraightLineModel().minutes_to_nearest`` (cKDTree of 3D unit vectors), then
  ``minutes <= 20``;
- geopandas, as a GIS analyst would write it: points projected to Lambert-93 (EPSG:2154), then
  (a) 15.385 km buffers around the places + ``sjoin(predicate="within")``, and
  (b) ``sjoin_nearest`` with a distance column, distance <= 15.385 km.

The covered cells are compared one by one: the great-circle distance and the Lambert-93 plane
distance differ by the projection's scale factor (-1 to +3 per mille in metropolitan France), and
a buffer is a 64-gon inscribed in the circle, so a few cells at the edge of the radius differ.

Run: ``uv sync --frozen --group bench && uv run python benchmarks/coverage_grid.py``.
Writes ``benchmarks/results/coverage_grid.json``. Not run by the test suite.
"""

import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import geopandas as gpd  # noqa: E402

from tierslieux.territory.analytics.reach import reach_radius_km  # noqa: E402
from tierslieux.territory.analytics.travel import StraightLineModel  # noqa: E402
from tierslieux.territory.loaders import population_grid_read  # noqa: E402

GRID_FILE = ROOT / "data" / "territory" / "population_grid_1km_france_metro.csv.gz"
RESULT_FILE = ROOT / "benchmarks" / "results" / "coverage_grid.json"
N_PLACES = 3_500
SEED = 2019
MINUTES = 20.0
DETOUR_FACTOR = 1.3
SPEED_KMH = 60.0


def main() -> dict:
    t = time.perf_counter()
    grid = population_grid_read(GRID_FILE)
    read_s = time.perf_counter() - t
    population = grid.population.astype(np.float64)
    total = float(population.sum())

    rng = np.random.default_rng(SEED)
    place_cells = rng.choice(len(grid), size=N_PLACES, replace=False, p=population / total)
    place_lon, place_lat = grid.lon[place_cells], grid.lat[place_cells]
    radius_km = reach_radius_km(MINUTES, detour_factor=DETOUR_FACTOR, speed_kmh=SPEED_KMH)
    radius_m = radius_km * 1000.0

    # --- ours: KD-tree nearest place ---------------------------------------------------------
    model = StraightLineModel(detour_factor=DETOUR_FACTOR, speed_kmh=SPEED_KMH)
    t = time.perf_counter()
    nearest = model.minutes_to_nearest(grid.lon, grid.lat, place_lon, place_lat)
    ours_covered = nearest.minutes <= MINUTES
    ours_s = time.perf_counter() - t

    # --- geopandas: projection, buffers + sjoin, sjoin_nearest --------------------------------
    t = time.perf_counter()
    cells = gpd.GeoDataFrame(
        {"population": grid.population},
        geometry=gpd.points_from_xy(grid.lon, grid.lat),
        crs="EPSG:4326",
    ).to_crs("EPSG:2154")
    places = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(place_lon, place_lat), crs="EPSG:4326"
    ).to_crs("EPSG:2154")
    project_s = time.perf_counter() - t

    t = time.perf_counter()
    buffers = gpd.GeoDataFrame(geometry=places.buffer(radius_m), crs=places.crs)
    joined = gpd.sjoin(cells, buffers, how="inner", predicate="within")
    buffer_covered = np.zeros(len(cells), dtype=bool)
    buffer_covered[np.unique(joined.index.to_numpy())] = True
    buffer_s = time.perf_counter() - t

    t = time.perf_counter()
    near = gpd.sjoin_nearest(cells, places, how="left", distance_col="distance_m")
    near = near[~near.index.duplicated(keep="first")]  # ties: one row per cell
    nearest_m = near["distance_m"].to_numpy()
    nearest_covered = nearest_m <= radius_m
    nearest_s = time.perf_counter() - t

    # --- agreement ------------------------------------------------------------------------------
    def difference(other: np.ndarray) -> dict:
        only_ours = ours_covered & ~other
        only_other = other & ~ours_covered
        return {
            "cells_only_ours": int(only_ours.sum()),
            "cells_only_geopandas": int(only_other.sum()),
            "population_only_ours": int(population[only_ours].sum()),
            "population_only_geopandas": int(population[only_other].sum()),
        }

    ours_km = nearest.minutes * SPEED_KMH / 60.0 / DETOUR_FACTOR
    relative = nearest_m / 1000.0 / np.where(ours_km > 0, ours_km, np.nan) - 1.0
    results = {
        "instance": {
            "cells": len(grid),
            "population": int(total),
            "places": N_PLACES,
            "places_how": f"{N_PLACES} distinct cells drawn with probability proportional to "
            f"population, numpy default_rng({SEED}); place = cell centre",
            "minutes": MINUTES,
            "detour_factor": DETOUR_FACTOR,
            "speed_kmh": SPEED_KMH,
            "radius_km": radius_km,
        },
        "read_grid_s": read_s,
        "ours_kdtree_s": ours_s,
        "geopandas_project_s": project_s,
        "geopandas_buffer_sjoin_s": buffer_s,
        "geopandas_sjoin_nearest_s": nearest_s,
        "ratio_buffer_sjoin_over_ours": (project_s + buffer_s) / ours_s,
        "ratio_sjoin_nearest_over_ours": (project_s + nearest_s) / ours_s,
        "covered_population": {
            "ours": int(population[ours_covered].sum()),
            "geopandas_buffer_sjoin": int(population[buffer_covered].sum()),
            "geopandas_sjoin_nearest": int(population[nearest_covered].sum()),
        },
        "covered_cells": {
            "ours": int(ours_covered.sum()),
            "geopandas_buffer_sjoin": int(buffer_covered.sum()),
            "geopandas_sjoin_nearest": int(nearest_covered.sum()),
        },
        "difference_vs_buffer_sjoin": difference(buffer_covered),
        "difference_vs_sjoin_nearest": difference(nearest_covered),
        "nearest_distance_lambert93_over_great_circle_minus_1": {
            "median": float(np.nanmedian(relative)),
            "min": float(np.nanmin(relative)),
            "max": float(np.nanmax(relative)),
        },
        "sjoin_pairs": len(joined),
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "geopandas": gpd.__version__,
        },
    }
    return results


def report(r: dict) -> None:
    inst = r["instance"]
    print(
        f"Instance: {inst['cells']:,} populated 1 km cells ({inst['population']:,} inhabitants), "
        f"{inst['places']:,} synthetic places, {inst['minutes']:.0f} min "
        f"(straight line x{inst['detour_factor']} at {inst['speed_kmh']:.0f} km/h "
        f"= {inst['radius_km']:.3f} km)"
    )
    print(f"  read grid file                          {r['read_grid_s']:8.3f} s (not compared)")
    print(f"  ours: KD-tree minutes_to_nearest        {r['ours_kdtree_s']:8.3f} s")
    print(f"  geopandas: to_crs(EPSG:2154)            {r['geopandas_project_s']:8.3f} s")
    print(
        f"  geopandas: buffers + sjoin(within)      {r['geopandas_buffer_sjoin_s']:8.3f} s "
        f"({r['sjoin_pairs']:,} cell-buffer pairs)"
    )
    print(f"  geopandas: sjoin_nearest                {r['geopandas_sjoin_nearest_s']:8.3f} s")
    print(
        f"  ratio (projection + buffers + sjoin) / ours = {r['ratio_buffer_sjoin_over_ours']:.1f}x"
    )
    print(
        f"  ratio (projection + sjoin_nearest) / ours  = {r['ratio_sjoin_nearest_over_ours']:.1f}x"
    )
    pop, cells = r["covered_population"], r["covered_cells"]
    for key, label in (
        ("ours", "ours (great circle)"),
        ("geopandas_buffer_sjoin", "buffers + sjoin (Lambert-93)"),
        ("geopandas_sjoin_nearest", "sjoin_nearest (Lambert-93)"),
    ):
        print(
            f"  covered by {label:30s} {pop[key]:>12,} inhabitants "
            f"({pop[key] / inst['population']:.4%}), {cells[key]:,} cells"
        )
    for key, label in (
        ("difference_vs_buffer_sjoin", "buffers + sjoin"),
        ("difference_vs_sjoin_nearest", "sjoin_nearest"),
    ):
        d = r[key]
        print(
            f"  cells differing from {label:16s}: {d['cells_only_ours']} covered only by ours "
            f"({d['population_only_ours']:,} inh.), {d['cells_only_geopandas']} only by "
            f"geopandas ({d['population_only_geopandas']:,} inh.)"
        )
    rel = r["nearest_distance_lambert93_over_great_circle_minus_1"]
    print(
        f"  nearest distance, Lambert-93 / great circle - 1: median {rel['median']:+.2e}, "
        f"min {rel['min']:+.2e}, max {rel['max']:+.2e}"
    )


if __name__ == "__main__":
    figures = main()
    report(figures)
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"Written {RESULT_FILE.relative_to(ROOT)}")
