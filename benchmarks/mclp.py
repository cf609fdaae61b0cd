"""Maximal covering at the limit (issue 17): exact and heuristic siting, region and nation.

One run prints every figure of the issue's goal column for location optimisation:

1. **Nouvelle-Aquitaine, p = 50, existing places fixed** (the instance of
   ``benchmarks/location_optimisation.py``: 4,293 candidate communes, demand = the same communes
   weighted by population, the 225 places of the CGET 2019 census in region 75 kept, 20 minutes
   by the straight-line model): ``mclp_exact`` (time, status, proven gap), ``mclp_greedy`` and
   ``mclp_greedy_swap`` (time, gap to the optimum); PySAL spopt's MCLP on the same instance when
   the ``bench`` group is installed (``--no-spopt`` to skip it: its model building takes minutes),
   end to end for both (spopt: dense cost matrix + ``from_cost_matrix`` + CBC; ours: sparse reach
   matrices + exact).
2. **Metropolitan France, p = 300**: demand = the 372,383 populated cells of the 1 km grid
   (``data/territory/population_grid_1km_france_metro.csv.gz``); existing places = the 1,512
   places of the CGET 2019 national census (``data/places/cget_tiers_lieux_2019.csv``);
   candidates = 35,000 cells drawn with probability proportional to their population, without
   replacement (numpy ``default_rng(2019)``), at their centre: no national file of commune points
   is in the shared data (the density grid has no coordinates), so the candidates are sampled
   like the places of ``benchmarks/coverage_grid.py``. ``mclp_exact`` with a time limit
   (``--national-time-limit``, 60 s): time, proven gap, peak resident memory of the process
   (``resource.getrusage``).

The machine's load (``os.getloadavg``) is printed before and after: the machine is shared.

Run: ``uv run python benchmarks/mclp.py`` (add ``uv sync --frozen --group bench`` first for
spopt). Writes ``benchmarks/results/mclp.json``. Not run by the test suite.
"""

import argparse
import csv
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tierslieux.territory.analytics.location import (  # noqa: E402
    CoverageProblem,
    mclp_exact,
    mclp_greedy,
    mclp_greedy_swap,
)
from tierslieux.territory.analytics.mclp_reduce import components, reduce_problem  # noqa: E402
from tierslieux.territory.analytics.reach import covered_by, straight_line_reach  # noqa: E402
from tierslieux.territory.analytics.travel import straight_line_minutes  # noqa: E402
from tierslieux.territory.loaders import communes_read, population_grid_read  # noqa: E402

TERRITORY_DIR = ROOT / "data" / "territory"
GRID_FILE = TERRITORY_DIR / "population_grid_1km_france_metro.csv.gz"
PLACES_FILE = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"
RESULT_FILE = ROOT / "benchmarks" / "results" / "mclp.json"
MODEL = {"minutes": 20.0, "detour_factor": 1.3, "speed_kmh": 60.0}
REPEATS = 5  # more runs of the region's exact solve (median and best printed)
REACH_CHUNK = 40_000  # demand points per KD-tree query (bounds the memory of the pairs)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def places_read(region: str | None) -> tuple[np.ndarray, np.ndarray]:
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if region is None or r["INSEEREG"] == region]
    return np.array([float(r["LONG"]) for r in rows]), np.array([float(r["LAT"]) for r in rows])


def reach_in_chunks(dlon, dlat, slon, slat) -> sparse.csr_matrix:
    parts = [
        straight_line_reach(
            dlon[i : i + REACH_CHUNK], dlat[i : i + REACH_CHUNK], slon, slat, **MODEL
        )
        for i in range(0, len(dlon), REACH_CHUNK)
    ]
    return sparse.vstack(parts, format="csr")


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def timed_cpu(function, *args, **kwargs):
    """Result, wall seconds, CPU seconds of this process (``time.process_time``: what the
    step cost whatever the other jobs of the machine take)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started, time.process_time() - cpu


def region(with_spopt: bool, p: int) -> dict:
    communes = communes_read(TERRITORY_DIR)
    lon = np.array([c.lon for c in communes])
    lat = np.array([c.lat for c in communes])
    population = np.array([c.population for c in communes], dtype=np.float64)
    place_lon, place_lat = places_read("75")

    started = time.perf_counter()
    reach = straight_line_reach(lon, lat, lon, lat, **MODEL)
    existing = straight_line_reach(lon, lat, place_lon, place_lat, **MODEL)
    already = covered_by(existing, np.ones(len(place_lon), dtype=bool))
    problem = CoverageProblem(population, reach, already)
    reach_s = time.perf_counter() - started

    exact, exact_s, exact_cpu_s = timed_cpu(mclp_exact, problem, p, time_limit_s=60.0)
    # Repeated (the first call pays HiGHS's first build): median and best.
    repeats = [timed_cpu(mclp_exact, problem, p, time_limit_s=60.0) for _ in range(REPEATS)]
    assert all(r[0].new_weight == exact.new_weight for r in repeats)
    load_at_exact = load()
    greedy, greedy_s = timed(mclp_greedy, problem, p)
    swap, swap_s = timed(mclp_greedy_swap, problem, p)
    reduced = reduce_problem(problem)
    parts = components(reduced)
    optimum = exact.new_weight
    out = {
        "candidates": len(lon),
        "existing_places": len(place_lon),
        "p": p,
        "reach_pairs": int(reach.nnz),
        "rows_to_cover": int(problem.coverable.sum()),
        "reduced_rows": reduced.shape[0],
        "reduced_candidates": reduced.shape[1],
        "components": len(parts),
        "largest_component": list(parts[0].matrix.shape) if parts else [0, 0],
        "reach_s": reach_s,
        "exact_s": exact_s,
        "exact_cpu_s": exact_cpu_s,
        "exact_repeats": REPEATS,
        "exact_median_s": float(np.median([r[1] for r in repeats])),
        "exact_median_cpu_s": float(np.median([r[2] for r in repeats])),
        "exact_best_s": min(r[1] for r in repeats),
        "load_at_exact": load_at_exact,
        "exact_new": exact.new_weight,
        "exact_status": exact.status,
        "exact_gap": exact.gap,
        "greedy_s": greedy_s,
        "greedy_new": greedy.new_weight,
        "greedy_gap_pct": 100.0 * (optimum - greedy.new_weight) / optimum,
        "swap_s": swap_s,
        "swap_new": swap.new_weight,
        "swap_gap_pct": 100.0 * (optimum - swap.new_weight) / optimum,
    }
    if with_spopt:
        out["spopt"] = spopt_run(lon, lat, population, already, p)
        spopt_total = out["spopt"]["cost_matrix_s"] + out["spopt"]["build_s"]
        spopt_total += out["spopt"]["solve_s"]
        out["ratio_spopt_end_to_end_over_ours"] = spopt_total / (reach_s + exact_s)
        out["ratio_spopt_solve_over_our_exact"] = out["spopt"]["solve_s"] / exact_s
    return out


def spopt_run(lon, lat, population, already, p) -> dict:
    import pulp
    from spopt.locate import MCLP

    rows = np.flatnonzero(~already)
    cost, cost_s = timed(
        straight_line_minutes,
        lon[rows],
        lat[rows],
        lon,
        lat,
        detour_factor=MODEL["detour_factor"],
        speed_kmh=MODEL["speed_kmh"],
    )
    model, build_s = timed(
        MCLP.from_cost_matrix,
        cost,
        population[rows],
        service_radius=MODEL["minutes"],
        p_facilities=p,
    )
    model, solve_s = timed(model.solve, pulp.PULP_CBC_CMD(msg=False, timeLimit=600))
    return {
        "demand_rows": len(rows),
        "cost_matrix_s": cost_s,
        "build_s": build_s,
        "solve_s": solve_s,
        "objective": float(pulp.value(model.problem.objective)),
        "status": pulp.LpStatus[model.problem.status],
    }


def national(p: int, n_candidates: int, time_limit_s: float) -> dict:
    rss_start = peak_rss_mib()
    grid, read_s = timed(population_grid_read, GRID_FILE)
    population = grid.population.astype(np.float64)
    place_lon, place_lat = places_read(None)
    rng = np.random.default_rng(2019)
    candidates = rng.choice(
        len(population), n_candidates, replace=False, p=population / population.sum()
    )

    started = time.perf_counter()
    reach = reach_in_chunks(grid.lon, grid.lat, grid.lon[candidates], grid.lat[candidates])
    existing = reach_in_chunks(grid.lon, grid.lat, place_lon, place_lat)
    already = covered_by(existing, np.ones(len(place_lon), dtype=bool))
    del existing
    problem = CoverageProblem(population, reach, already)
    del reach
    reach_s = time.perf_counter() - started
    rss_before_solve = peak_rss_mib()

    load_before_solve = load()
    exact, exact_s, exact_cpu_s = timed_cpu(mclp_exact, problem, p, time_limit_s=time_limit_s)
    return {
        "cells": len(population),
        "population": float(population.sum()),
        "existing_places": len(place_lon),
        "candidates": n_candidates,
        "p": p,
        "reach_pairs": int(problem.reach.nnz),
        "already_covered_share": problem.already_covered_weight / float(population.sum()),
        "rows_to_cover": int(problem.coverable.sum()),
        "read_s": read_s,
        "reach_s": reach_s,
        "time_limit_s": time_limit_s,
        "exact_s": exact_s,
        "exact_cpu_s": exact_cpu_s,
        "load_before_solve": load_before_solve,
        "load_after_solve": load(),
        "exact_new": exact.new_weight,
        "exact_bound": exact.bound,
        "exact_status": exact.status,
        "exact_gap": exact.gap,
        "peak_rss_start_mib": rss_start,
        "peak_rss_before_solve_mib": rss_before_solve,
        "peak_rss_mib": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-spopt", action="store_true", help="Skip spopt (minutes).")
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--national-time-limit", type=float, default=60.0)
    parser.add_argument("--national-candidates", type=int, default=35_000)
    parser.add_argument("--output", type=Path, default=RESULT_FILE)
    args = parser.parse_args()
    with_spopt = not args.no_spopt
    if with_spopt:
        try:
            import spopt  # noqa: F401
        except ImportError:
            print("spopt is not installed (uv sync --frozen --group bench): skipped")
            with_spopt = False

    results = {"load_before": load(), "python": platform.python_version()}
    print(f"load average before: {results['load_before']}")
    r = results["region"] = region(with_spopt, 50)
    print(
        f"Nouvelle-Aquitaine: {r['candidates']:,} candidate communes, {r['existing_places']} "
        f"existing places fixed, p = {r['p']}, {r['reach_pairs']:,} reach pairs; "
        f"{r['rows_to_cover']:,} communes to cover -> reduced {r['reduced_rows']:,} rows x "
        f"{r['reduced_candidates']:,} candidates, {r['components']} components (largest "
        f"{r['largest_component'][0]:,} x {r['largest_component'][1]:,})"
    )
    print(f"  reach matrices (KD-tree)       {r['reach_s']:8.3f} s")
    print(
        f"  exact                          {r['exact_s']:8.3f} s   +{r['exact_new']:,.0f} "
        f"inhabitants, {r['exact_status']}, gap {r['exact_gap']:.3%} "
        f"(CPU {r['exact_cpu_s']:.3f} s)"
    )
    print(
        f"  exact, {r['exact_repeats']} more runs: median {r['exact_median_s']:.3f} s wall, "
        f"{r['exact_median_cpu_s']:.3f} s CPU; best {r['exact_best_s']:.3f} s wall "
        f"(load {r['load_at_exact']})"
    )
    print(
        f"  greedy (lazy)                  {r['greedy_s']:8.3f} s   +{r['greedy_new']:,.0f}, "
        f"{r['greedy_gap_pct']:.2f} % under the optimum"
    )
    print(
        f"  greedy + swaps                 {r['swap_s']:8.3f} s   +{r['swap_new']:,.0f}, "
        f"{r['swap_gap_pct']:.2f} % under the optimum"
    )
    if "spopt" in r:
        s = r["spopt"]
        print(
            f"  spopt: cost matrix {s['cost_matrix_s']:.3f} s + from_cost_matrix "
            f"{s['build_s']:.3f} s + CBC {s['solve_s']:.3f} s   +{s['objective']:,.0f}, "
            f"{s['status']}"
        )
        print(
            f"  ratio spopt end to end / ours (reach + exact) = "
            f"{r['ratio_spopt_end_to_end_over_ours']:.0f}x; CBC solve alone / our exact = "
            f"{r['ratio_spopt_solve_over_our_exact']:.1f}x"
        )
    if not args.no_national:
        n = results["national"] = national(300, args.national_candidates, args.national_time_limit)
        print(
            f"France (metropolitan): {n['cells']:,} cells ({n['population']:,.0f} inhabitants), "
            f"{n['existing_places']:,} existing places ({n['already_covered_share']:.2%} "
            f"covered), {n['candidates']:,} sampled candidate cells, p = {n['p']}, "
            f"{n['reach_pairs']:,} reach pairs, {n['rows_to_cover']:,} cells to cover"
        )
        print(f"  read grid {n['read_s']:.1f} s; reach matrices {n['reach_s']:.1f} s")
        print(
            f"  exact (time limit {n['time_limit_s']:.0f} s)  {n['exact_s']:8.3f} s   "
            f"+{n['exact_new']:,.0f} inhabitants, {n['exact_status']}, bound "
            f"{n['exact_bound']:,.0f}, proven gap {n['exact_gap']:.2%}"
        )
        print(
            f"  CPU {n['exact_cpu_s']:.1f} s of the {n['exact_s']:.1f} s wall; load "
            f"{n['load_before_solve']} before the solve, {n['load_after_solve']} after"
        )
        print(
            f"  peak RSS: {n['peak_rss_before_solve_mib']:,.0f} MiB before the solve, "
            f"{n['peak_rss_mib']:,.0f} MiB at the end"
        )
    results["load_after"] = load()
    print(f"load average after: {results['load_after']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"Written {args.output}")


if __name__ == "__main__":
    main()
