"""Where to open the next places in one or several regions, or nationally (``recommend
--regions``), with the rule of the national view: every loaded place already serves the
inhabitants within its reach, whatever its region (docs/national-view.md).

The demand is that of the regions asked for; the existing places are every loaded place (a
neighbour's place across the border already covers); the candidate sites are the town halls
of the regions' communes. The solvers are the regional ones (``analytics.location``): the
greedy improved by swaps, or the proven optimum through the exact decomposition.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable

import numpy as np

from tierslieux.core.regions import REGIONS
from tierslieux.territory.analytics import areas, location
from tierslieux.territory.analytics.location import CoverageProblem
from tierslieux.territory.analytics.reach import straight_line_reach
from tierslieux.territory.mesh import (
    MeshParams,
    Recommendation,
    RecommendedSite,
    places_read,
    travel_model,
)
from tierslieux.territory.models import Commune
from tierslieux.territory.national import national_demand_read


def national_recommend(
    params: MeshParams,
    regions: Iterable[str],
    *,
    new: int | None = 10,
    exact: bool = False,
    time_limit_s: float = 10.0,
) -> Recommendation:
    """``new`` sites (None: the fewest that bring everyone reachable) among the communes of
    ``regions``, to bring the most of their inhabitants within the threshold."""
    params.validate()
    selected = [code for code in REGIONS if code in set(regions)]
    demand = national_demand_read(params.demand)
    mine = np.isin(demand.region, selected)
    lon, lat, weight = demand.lon[mine], demand.lat[mine], demand.weight[mine]
    places = places_read(on=params.on)
    model = travel_model(params) if params.model == "road" else None
    already = areas.covered_points(
        lon,
        lat,
        places.lon,
        places.lat,
        minutes=params.minutes,
        detour_factor=params.detour_factor,
        speed_kmh=params.speed_kmh,
        model=model,
    )
    rows = list(
        Commune.objects.filter(departement__region_code__in=selected)
        .order_by("code")
        .values_list("code", "name", "departement_id", "lon", "lat")
    )
    if not rows:
        raise ValueError("No commune in these regions: nothing to recommend.")
    codes, names, deps, clon, clat = (list(col) for col in zip(*rows, strict=True))
    site_lon, site_lat = np.array(clon, dtype=np.float64), np.array(clat, dtype=np.float64)
    if model is not None:
        reach = model.reach_matrix(lon, lat, site_lon, site_lat, minutes=params.minutes)
    else:
        reach = straight_line_reach(
            lon,
            lat,
            site_lon,
            site_lat,
            minutes=params.minutes,
            detour_factor=params.detour_factor,
            speed_kmh=params.speed_kmh,
        )
    problem = CoverageProblem(demand_weight=weight, reach=reach, already_covered=already)
    started = time.perf_counter()
    if new is None:
        solution = (
            location.set_cover_exact(problem, time_limit_s=time_limit_s)
            if exact
            else location.set_cover_greedy(problem)
        )
    elif exact:
        solution = location.mclp_exact(problem, new, time_limit_s=time_limit_s)
    else:
        solution = location.mclp_greedy_swap(problem, new)
    solve_s = time.perf_counter() - started
    sites = [
        RecommendedSite(
            rank=rank,
            commune=codes[j],
            name=names[j],
            departement=deps[j],
            lon=float(site_lon[j]),
            lat=float(site_lat[j]),
            new_inhabitants=round(float(gain)),
            candidate=codes[j],
        )
        for rank, (j, gain) in enumerate(zip(solution.chosen, solution.gains, strict=True), 1)
    ]
    return Recommendation(
        params=params,
        method=solution.method,
        status=solution.status,
        gap=solution.gap if math.isfinite(solution.gap) else None,
        new=len(sites),
        sites=sites,
        population=round(float(weight.sum())),
        covered_before=round(problem.already_covered_weight),
        covered_after=round(solution.covered_weight),
        uncoverable=round(solution.uncoverable_weight),
        places=len(places.ids),
        new_inhabitants=round(solution.new_weight),
        bound=round(solution.bound) if new is not None and math.isfinite(solution.bound) else None,
        solve_s=solve_s,
    )
