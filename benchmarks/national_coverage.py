"""The national coverage as `coverage --regions all` computes it, without the database.

Instance: the 372,383 populated cells of the metropolitan 1 km grid
(``data/territory/population_grid_1km_france_metro.csv.gz``, with each cell's département) and
the 1,512 places of the 2019 CGET census (``data/places/cget_tiers_lieux_2019.csv``, every
region, overseas included: the overseas places are simply out of reach of the metropolitan
cells). Straight-line model, 1.3 x 60 km/h, 20 minutes.

The computation is the command's (``tierslieux.territory.national``): coverage decided ONCE for
every cell against every place (``analytics.areas.covered_points``: the exact bounded method of
``analytics.within``), then summed by département and by région (``totals_by_area``). Timed
``--repeat`` times (best and median printed), with the load average before and after and the
CPU time beside the wall time (the machine is shared).

Run: ``uv run python benchmarks/national_coverage.py``. Writes
``benchmarks/results/national_coverage.json``. Not run by the test suite.
"""

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tierslieux.core.regions import region_name  # noqa: E402
from tierslieux.territory.analytics import areas  # noqa: E402
from tierslieux.territory.loaders import population_grid_read  # noqa: E402

GRID_FILE = ROOT / "data" / "territory" / "population_grid_1km_france_metro.csv.gz"
CENSUS_FILE = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"
DEPARTEMENTS_FILE = ROOT / "data" / "territory" / "departements.csv"
RESULT_FILE = ROOT / "benchmarks" / "results" / "national_coverage.json"
MINUTES = 20.0


def census_places() -> tuple[np.ndarray, np.ndarray, list[str]]:
    lon, lat, deps = [], [], []
    with CENSUS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                x, y = float(row["LONG"]), float(row["LAT"])
            except ValueError:
                continue
            lon.append(x)
            lat.append(y)
            deps.append(row["INSEEDEP"])
    return np.array(lon), np.array(lat), deps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    grid = population_grid_read(GRID_FILE)
    read_grid_s = time.perf_counter() - started
    with DEPARTEMENTS_FILE.open(encoding="utf-8") as handle:
        region_of = {r["code"]: r["region_code"] for r in csv.DictReader(handle)}
    codes, inverse = np.unique(grid.area_code, return_inverse=True)
    region = np.array([region_of[c] for c in codes.tolist()])[inverse]
    plon, plat, place_deps = census_places()
    weight = grid.population.astype(np.float64)

    def compute():
        covered = areas.covered_points(grid.lon, grid.lat, plon, plat, minutes=MINUTES)
        by_dep = areas.totals_by_area(weight, covered, grid.area_code)
        by_region = areas.totals_by_area(weight, covered, region)
        return covered, by_dep, by_region

    walls, cpus = [], []
    result = None
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = compute()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    covered, by_dep, by_region = result
    load_end = [round(x, 2) for x in os.getloadavg()]
    places_by_region: dict[str, int] = {}
    for dep in place_deps:
        code = region_of.get(dep, "")
        places_by_region[code] = places_by_region.get(code, 0) + 1
    national_share = float(weight[covered].sum() / weight.sum())
    # The border effect: each region's share with its own places only (what a region-by-region
    # computation would give), beside the share with every place.
    place_region = np.array([region_of.get(dep, "") for dep in place_deps])
    own_share: dict[str, float] = {}
    for code in by_region.keys.tolist():
        mine = region == code
        own = place_region == code
        alone = areas.covered_points(
            grid.lon[mine], grid.lat[mine], plon[own], plat[own], minutes=MINUTES
        )
        own_share[code] = float(weight[mine][alone].sum() / weight[mine].sum())
    regions = [
        {
            "code": str(code),
            "name": region_name(str(code)),
            "population": round(float(pop)),
            "population_covered": round(float(cov)),
            "share_covered": round(float(share), 4),
            "share_own_places_only": round(own_share[str(code)], 4),
            "places_located": places_by_region.get(str(code), 0),
        }
        for code, pop, cov, share in zip(
            by_region.keys,
            by_region.population,
            by_region.population_covered,
            by_region.share_covered,
            strict=True,
        )
    ]
    out = {
        "instance": {
            "cells": len(grid),
            "population": int(grid.population.sum()),
            "places": len(plon),
            "minutes": MINUTES,
            "model": "straight line, 1.3 x 60 km/h",
        },
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "load_average_before": load_start,
        "load_average_after": load_end,
        "read_grid_file_s": round(read_grid_s, 3),
        "coverage_s_best": round(min(walls), 3),
        "coverage_s_median": round(float(np.median(walls)), 3),
        "coverage_cpu_s_best": round(min(cpus), 3),
        "national_share_covered": round(national_share, 4),
        "population_covered": round(float(weight[covered].sum())),
        "departements": len(by_dep.keys),
        "regions": regions,
    }
    print(f"{len(grid):,} cells, {int(grid.population.sum()):,} inhabitants, {len(plon):,} places")
    print(f"load average before {load_start}, after {load_end}")
    print(f"reading the grid file: {read_grid_s:.3f} s (not part of the computation)")
    print(
        f"coverage once + sums by {len(by_dep.keys)} départements and {len(regions)} regions: "
        f"best {min(walls):.3f} s, median {np.median(walls):.3f} s (CPU best {min(cpus):.3f} s)"
    )
    print(f"national share within {MINUTES:g} min: {national_share:.2%}")
    for row in regions:
        print(
            f"  {row['name'][:30]:30} ({row['code']}) {row['share_covered']:.2%} of "
            f"{row['population']:,} (own {row['places_located']} places only: "
            f"{row['share_own_places_only']:.2%})"
        )
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    print(f"written {RESULT_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
