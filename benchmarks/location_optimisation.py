"""Where to open 50 more tiers-lieux in Nouvelle-Aquitaine: our MCLP against PySAL spopt's.

Instance (the same for every method):

- candidates: the 4,293 communes of the region, at their point (``lon``/``lat`` of
  ``data/territory/communes_75.geojson.gz``);
- demand: the same communes, weighted by their population;
- existing places: the 225 tiers-lieux of the CGET 2019 census in region 75
  (``data/places/cget_tiers_lieux_2019.csv``, ``LAT``/``LONG``): the demand within 20 minutes of
  one of them is already covered and brings nothing;
- p = 50 new sites, 20 minutes by the straight-line model (great-circle distance * 1.3 at
  60 km/h).

Ours: ``reach.straight_line_reach`` (sparse, KD-tree) then ``location.mclp_greedy`` and
``location.mclp_exact`` (HiGHS through highspy, column-wise sparse model, greedy warm start).

spopt: ``spopt.locate.MCLP.from_cost_matrix(...).solve(pulp.PULP_CBC_CMD())``, timed from the
model building to the end of the solve. The existing places are handled by removing the demand
they already cover (the emulation allowed by MCLP's definition: covered demand adds a constant to
the objective), so spopt gets the 1,768 communes not yet covered as rows and the 4,293 communes
as candidates, with a dense cost matrix in minutes from ``travel.straight_line_minutes`` (the
same formula, so the same coverage pairs). spopt's own ``predefined_facilities_arr`` would keep
all 4,293 rows plus 225 forced columns: its pure-Python model building (one ``lpSum`` over every
candidate for every demand row, zeros included) grows with rows x columns and would take several
minutes (the script prints the estimate, in proportion to the measured build).

Run: ``uv sync --frozen --group bench && uv run python benchmarks/location_optimisation.py``.
Writes ``benchmarks/results/location_optimisation.json``. Not run by the test suite.
"""

import csv
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pulp  # noqa: E402
from spopt.locate import MCLP  # noqa: E402

from tierslieux.territory.analytics.location import (  # noqa: E402
    CoverageProblem,
    mclp_exact,
    mclp_greedy,
    set_cover_exact,
    set_cover_greedy,
)
from tierslieux.territory.analytics.reach import covered_by, straight_line_reach  # noqa: E402
from tierslieux.territory.analytics.travel import straight_line_minutes  # noqa: E402
from tierslieux.territory.loaders import communes_read  # noqa: E402

TERRITORY_DIR = ROOT / "data" / "territory"
PLACES_FILE = ROOT / "data" / "places" / "cget_tiers_lieux_2019.csv"
RESULT_FILE = ROOT / "benchmarks" / "results" / "location_optimisation.json"
REGION = "75"
P = 50
MINUTES = 20.0
DETOUR_FACTOR = 1.3
SPEED_KMH = 60.0
TIME_LIMIT_S = 60.0


def places_read() -> tuple[np.ndarray, np.ndarray]:
    with PLACES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["INSEEREG"] == REGION]
    return (
        np.array([float(r["LONG"]) for r in rows]),
        np.array([float(r["LAT"]) for r in rows]),
    )


def main() -> dict:
    communes = communes_read(TERRITORY_DIR)
    lon = np.array([c.lon for c in communes])
    lat = np.array([c.lat for c in communes])
    population = np.array([c.population for c in communes], dtype=np.float64)
    place_lon, place_lat = places_read()
    model = {"minutes": MINUTES, "detour_factor": DETOUR_FACTOR, "speed_kmh": SPEED_KMH}

    # --- ours ---------------------------------------------------------------------------------
    t = time.perf_counter()
    reach = straight_line_reach(lon, lat, lon, lat, **model)
    existing = straight_line_reach(lon, lat, place_lon, place_lat, **model)
    already = covered_by(existing, np.ones(len(place_lon), dtype=bool))
    problem = CoverageProblem(population, reach, already)
    reach_s = time.perf_counter() - t

    t = time.perf_counter()
    greedy = mclp_greedy(problem, P)
    greedy_s = time.perf_counter() - t

    t = time.perf_counter()
    exact = mclp_exact(problem, P, time_limit_s=TIME_LIMIT_S)
    exact_s = time.perf_counter() - t

    t = time.perf_counter()
    cover_greedy = set_cover_greedy(problem)
    cover_greedy_s = time.perf_counter() - t
    t = time.perf_counter()
    cover_exact = set_cover_exact(problem, time_limit_s=TIME_LIMIT_S)
    cover_exact_s = time.perf_counter() - t

    # --- spopt (pulp + CBC), same instance without the demand already covered ----------------
    solvers = pulp.listSolvers(onlyAvailable=True)
    rows = np.flatnonzero(~already)
    t = time.perf_counter()
    cost_minutes = straight_line_minutes(
        lon[rows], lat[rows], lon, lat, detour_factor=DETOUR_FACTOR, speed_kmh=SPEED_KMH
    )
    cost_matrix_s = time.perf_counter() - t

    t = time.perf_counter()
    spopt_model = MCLP.from_cost_matrix(
        cost_minutes, population[rows], service_radius=MINUTES, p_facilities=P
    )
    spopt_build_s = time.perf_counter() - t
    t = time.perf_counter()
    spopt_model = spopt_model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=600))
    spopt_solve_s = time.perf_counter() - t
    spopt_s = spopt_build_s + spopt_solve_s
    spopt_chosen = np.array(
        [j for j, var in enumerate(spopt_model.fac_vars) if (var.value() or 0.0) > 0.5]
    )
    spopt_objective = float(pulp.value(spopt_model.problem.objective))
    spopt_covered = already | covered_by(reach, np.isin(np.arange(len(lon)), spopt_chosen))

    total = float(population.sum())
    results = {
        "instance": {
            "candidates": len(lon),
            "demand_points": len(lon),
            "population": total,
            "existing_places": len(place_lon),
            "already_covered_communes": int(already.sum()),
            "already_covered_population": problem.already_covered_weight,
            "uncoverable_population": problem.uncoverable_weight,
            "p": P,
            **model,
            "reach_pairs": int(reach.nnz),
        },
        "ours": {
            "reach_s": reach_s,
            "greedy_s": greedy_s,
            "exact_s": exact_s,
            "greedy_new_population": greedy.new_weight,
            "exact_new_population": exact.new_weight,
            "exact_covered_population": exact.covered_weight,
            "exact_status": exact.status,
            "exact_bound": exact.bound,
            "exact_gap": exact.gap,
            "greedy_gap_to_optimum_pct": 100.0
            * (exact.new_weight - greedy.new_weight)
            / exact.new_weight,
            "greedy_gap_on_covered_pct": 100.0
            * (exact.covered_weight - greedy.covered_weight)
            / exact.covered_weight,
            "greedy_chosen": greedy.chosen.tolist(),
            "exact_chosen": exact.chosen.tolist(),
            "exact_codes": [communes[j].code for j in exact.chosen],
        },
        "set_cover": {
            "greedy_sites": int(cover_greedy.objective),
            "greedy_s": cover_greedy_s,
            "exact_sites": int(cover_exact.objective),
            "exact_status": cover_exact.status,
            "exact_bound": cover_exact.bound,
            "exact_s": cover_exact_s,
        },
        "spopt": {
            "pulp_solvers_available": solvers,
            "solver": "PULP_CBC_CMD",
            "demand_rows": len(rows),
            "cost_matrix_s": cost_matrix_s,
            "build_s": spopt_build_s,
            "solve_s": spopt_solve_s,
            "total_s": spopt_s,
            "predefined_build_estimate_s": spopt_build_s
            * (len(lon) * (len(lon) + len(place_lon)))
            / (len(rows) * len(lon)),
            "status": pulp.LpStatus[spopt_model.problem.status],
            "objective_new_population": spopt_objective,
            "covered_population_recomputed": float(population[spopt_covered].sum()),
            "chosen": spopt_chosen.tolist(),
        },
        "ratios": {
            "spopt_over_our_exact": spopt_s / exact_s,
            "spopt_over_our_greedy": spopt_s / greedy_s,
            "end_to_end_spopt_with_cost_matrix_over_our_exact_with_reach": (cost_matrix_s + spopt_s)
            / (reach_s + exact_s),
        },
        "machine": {
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "pulp": pulp.__version__,
        },
    }
    results["instance"]["population_share_already_covered"] = problem.already_covered_weight / total
    return results


def report(r: dict) -> None:
    inst, ours, cover, spopt, ratios = (
        r["instance"],
        r["ours"],
        r["set_cover"],
        r["spopt"],
        r["ratios"],
    )
    print(
        f"Instance: {inst['candidates']:,} candidate communes, {inst['demand_points']:,} demand "
        f"communes ({inst['population']:,.0f} inhabitants), {inst['existing_places']} existing "
        f"places covering {inst['already_covered_communes']:,} communes "
        f"({inst['population_share_already_covered']:.2%} of the population), p = {inst['p']}, "
        f"{inst['minutes']:.0f} min (x{inst['detour_factor']} at {inst['speed_kmh']:.0f} km/h), "
        f"{inst['reach_pairs']:,} reach pairs"
    )
    print(f"  ours: reach matrices (KD-tree)        {ours['reach_s']:8.3f} s")
    print(
        f"  ours: greedy (lazy)                   {ours['greedy_s']:8.3f} s   "
        f"+{ours['greedy_new_population']:,.0f} inhabitants"
    )
    print(
        f"  ours: exact (HiGHS)                   {ours['exact_s']:8.3f} s   "
        f"+{ours['exact_new_population']:,.0f} inhabitants, {ours['exact_status']}, "
        f"bound {ours['exact_bound']:,.0f}, gap {ours['exact_gap']:.2%}"
    )
    print(
        f"  greedy gap to the optimum: {ours['greedy_gap_to_optimum_pct']:.2f} % of the new "
        f"population ({ours['greedy_gap_on_covered_pct']:.2f} % of the covered population)"
    )
    print(f"  spopt: dense cost matrix (minutes)    {spopt['cost_matrix_s']:8.3f} s")
    print(
        f"  spopt: MCLP.from_cost_matrix          {spopt['build_s']:8.3f} s   "
        f"({spopt['demand_rows']:,} rows not yet covered)"
    )
    print(
        f"  spopt: solve ({spopt['solver']:13s})   {spopt['solve_s']:8.3f} s   "
        f"+{spopt['objective_new_population']:,.0f} inhabitants, {spopt['status']} "
        f"(pulp solvers available: {', '.join(spopt['pulp_solvers_available'])})"
    )
    print(
        f"  (spopt with predefined_facilities_arr: {inst['demand_points']:,} rows x "
        f"{inst['candidates'] + inst['existing_places']:,} columns, model building estimated at "
        f"{spopt['predefined_build_estimate_s']:.0f} s by proportion, not run)"
    )
    print(
        f"  covered population: ours exact {ours['exact_covered_population']:,.0f}, "
        f"spopt {spopt['covered_population_recomputed']:,.0f}"
    )
    print(f"  ratio spopt (build + solve) / our exact  = {ratios['spopt_over_our_exact']:.1f}x")
    print(f"  ratio spopt (build + solve) / our greedy = {ratios['spopt_over_our_greedy']:.0f}x")
    print(
        f"  ratio with the matrices (cost matrix + spopt) / (reach + exact) = "
        f"{ratios['end_to_end_spopt_with_cost_matrix_over_our_exact_with_reach']:.1f}x"
    )
    print(
        f"  set cover (every coverable inhabitant within {inst['minutes']:.0f} min): greedy "
        f"{cover['greedy_sites']} sites in {cover['greedy_s']:.3f} s, exact "
        f"{cover['exact_sites']} sites ({cover['exact_status']}) in {cover['exact_s']:.3f} s"
    )


if __name__ == "__main__":
    figures = main()
    report(figures)
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"Written {RESULT_FILE.relative_to(ROOT)}")
