"""The territorial mesh: adapter from records to the analytics core, and back to rows.

Reads the demand (the 1 km grid or commune points), the places (open and published, by
default), builds the travel-time model, calls ``analytics.coverage`` and
``analytics.location``, and returns frozen dataclasses ready for pages, commands and files.

The territory is a lower layer than the directory (docs/adr/0021): it never imports
``places``. The directory hands its places down instead, by registering a ``PlacesSource``
when its app is ready (``tierslieux/places/mesh.py``).
"""

import datetime
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from django.conf import settings

from tierslieux.territory.analytics import coverage as cov
from tierslieux.territory.analytics import location
from tierslieux.territory.analytics.location import CoverageProblem, marginal_gain
from tierslieux.territory.analytics.reach import straight_line_reach
from tierslieux.territory.analytics.road import RoadGraph, RoadNetworkModel
from tierslieux.territory.analytics.travel import StraightLineModel, TravelTimeModel
from tierslieux.territory.analytics.turns import TurnCosts
from tierslieux.territory.models import Commune, Departement, Epci, PopulationCell
from tierslieux.territory.osm import read_estimate_s, road_network_cache_path, road_network_cached

DemandKind = Literal["grid", "communes"]
ModelKind = Literal["straight", "road"]


@dataclass(frozen=True)
class MeshParams:
    """The parameters of one mesh analysis (all have defaults from settings)."""

    minutes: float = 20.0
    model: ModelKind = "straight"
    detour_factor: float = 1.3
    speed_kmh: float = 60.0
    osm_path: str = ""
    demand: DemandKind = "grid"
    on: datetime.date | None = None

    @classmethod
    def from_settings(cls, **overrides: Any) -> "MeshParams":
        values = {
            "minutes": settings.MESH_THRESHOLD_MINUTES,
            "detour_factor": settings.MESH_DETOUR_FACTOR,
            "speed_kmh": settings.MESH_SPEED_KMH,
            "osm_path": settings.MESH_OSM_PATH,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def validate(self) -> None:
        if not 1 <= self.minutes <= 180:
            raise ValueError("the threshold must be between 1 and 180 minutes")
        if self.model not in ("straight", "road"):
            raise ValueError(f"unknown model {self.model!r}")
        if self.demand not in ("grid", "communes"):
            raise ValueError(f"unknown demand {self.demand!r}")
        if self.model == "road" and not self.osm_path:
            raise ValueError("the road model needs an OpenStreetMap extract (--osm FILE)")
        if self.model == "road" and not Path(self.osm_path).exists():
            raise ValueError(f"OpenStreetMap extract not found: {self.osm_path}")


@dataclass(frozen=True)
class Demand:
    """Where people live: points with inhabitants and the commune they belong to."""

    lon: np.ndarray
    lat: np.ndarray
    weight: np.ndarray
    commune: np.ndarray
    departement: np.ndarray
    epci: np.ndarray
    density_level: np.ndarray


@dataclass(frozen=True)
class Sites:
    """Places (or candidate sites) as arrays, with their record ids."""

    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    labels: list[str] = field(default_factory=list)
    communes: list[str] = field(default_factory=list)
    """The INSEE code of each site's commune (empty: the ids are the codes)."""


def _commune_table() -> dict[str, tuple]:
    return {
        code: (lon, lat, pop, dep, epci or "", level, name)
        for code, lon, lat, pop, dep, epci, level, name in Commune.objects.values_list(
            "code", "lon", "lat", "population", "departement_id", "epci_id", "density_level", "name"
        )
    }


def demand_read(kind: DemandKind) -> Demand:
    """The demand points: 1 km cells (2021 census) or commune town halls (Etalab population)."""
    communes = _commune_table()
    if kind == "communes":
        codes = sorted(communes)
        rows = [communes[c] for c in codes]
        lon, lat, pop = (np.array([r[i] for r in rows], dtype=np.float64) for i in range(3))
        commune = np.array(codes, dtype=np.str_)
    else:
        cells = list(
            PopulationCell.objects.order_by("pk").values_list("lon", "lat", "population", "commune")
        )
        lon, lat, pop = (np.array([c[i] for c in cells], dtype=np.float64) for i in range(3))
        commune = np.array([c[3] for c in cells], dtype=np.str_)
    return Demand(
        lon=lon,
        lat=lat,
        weight=pop,
        commune=commune,
        departement=np.array([communes[c][3] for c in commune], dtype=np.str_),
        epci=np.array([communes[c][4] for c in commune], dtype=np.str_),
        density_level=np.array([communes[c][5] for c in commune], dtype=np.int64),
    )


@dataclass(frozen=True)
class PlacesSource:
    """What the mesh needs from the directory, handed down by it (the territory is below it).

    ``rows(on)``: (id, lon, lat, name) of the open, published places on ``on`` (None: today),
    by id; ``counts_by_departement(on)``: how many of them each département holds;
    ``fingerprint()``: a short text that changes whenever a place is added or changed.
    """

    rows: Callable[[datetime.date | None], list[tuple[int, float, float, str]]]
    counts_by_departement: Callable[[datetime.date | None], dict[str, int]]
    fingerprint: Callable[[], str]


_places_source: PlacesSource | None = None


def places_source_register(source: PlacesSource) -> None:
    """Called once by the directory app when it is ready."""
    global _places_source
    _places_source = source


def places_source() -> PlacesSource:
    """The registered source of places (the directory app registers it in ``ready()``)."""
    if _places_source is None:
        raise RuntimeError(
            "No places source: the directory app (tierslieux.places) registers it when ready; "
            "is it in INSTALLED_APPS?"
        )
    return _places_source


def places_read(*, on: datetime.date | None = None) -> Sites:
    """The open, published places on ``on`` (today by default)."""
    rows = places_source().rows(on)
    return Sites(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        lon=np.array([r[1] for r in rows], dtype=np.float64),
        lat=np.array([r[2] for r in rows], dtype=np.float64),
        labels=[r[3] for r in rows],
    )


def candidates_read() -> Sites:
    """Candidate sites for new places: every commune's town hall."""
    rows = list(Commune.objects.order_by("code").values_list("code", "lon", "lat", "name"))
    return Sites(
        ids=np.array([r[0] for r in rows], dtype=np.str_),
        lon=np.array([r[1] for r in rows], dtype=np.float64),
        lat=np.array([r[2] for r in rows], dtype=np.float64),
        labels=[r[3] for r in rows],
    )


@lru_cache(maxsize=2)
def _road_model(osm_path: str, cache_dir: str) -> TravelTimeModel:
    network = road_network_cached(Path(osm_path), Path(cache_dir))
    graph = RoadGraph.from_arrays(
        network.node_lon,
        network.node_lat,
        network.edge_from,
        network.edge_to,
        network.edge_minutes,
        turn_costs=TurnCosts(),  # OSRM's car turn penalties (docs/road-costs.md)
    )
    return RoadNetworkModel(graph)


def road_cache_dir() -> Path:
    """Where the road networks read from extracts are cached (``var/road-graphs``)."""
    cache_dir = Path(settings.VAR_DIR) / "road-graphs"
    cache_dir.mkdir(parents=True, exist_ok=True)
    return cache_dir


def road_network_prepare(params: MeshParams, *, announce: Any = None, progress: Any = None) -> bool:
    """Read the extract of a road-model analysis into the cache if it is not there yet.

    ``announce(size_bytes, estimate_s)`` is called before a first read, ``progress(fraction,
    message)`` while it goes. Returns True when the extract was read, False when cached.
    """
    source = Path(params.osm_path).resolve()
    if road_network_cache_path(source, road_cache_dir()).is_file():
        return False
    if announce is not None:
        announce(source.stat().st_size, read_estimate_s(source))
    road_network_cached(source, road_cache_dir(), progress=progress)
    return True


def travel_model(params: MeshParams) -> TravelTimeModel:
    """The travel-time model the parameters ask for (road graphs are cached on disk)."""
    if params.model == "road":
        return _road_model(str(Path(params.osm_path).resolve()), str(road_cache_dir()))
    return StraightLineModel(detour_factor=params.detour_factor, speed_kmh=params.speed_kmh)


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    code: str
    name: str
    population: int
    population_covered: int
    share_covered: float
    mean_minutes: float | None
    places: int = 0


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    departement: str
    population: int
    population_covered: int
    share_covered: float
    mean_minutes: float | None
    is_white_zone: bool


@dataclass(frozen=True)
class MeshReport:
    params: MeshParams
    places: int
    population: int
    population_covered: int
    share_covered: float
    inhabitants_per_place: float
    national_inhabitants_per_place: float
    target_places: int
    progress_to_target: float
    rural: GroupRow
    urban: GroupRow
    departements: list[GroupRow]
    epcis: list[GroupRow]
    communes: list[CommuneRow]
    white_zones: list[CommuneRow]
    population_unreached: int = 0
    """Inhabitants with no place reachable at all (off the road network, or no place)."""

    @property
    def population_uncovered(self) -> int:
        return self.population - self.population_covered

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["params"]["on"] = self.params.on.isoformat() if self.params.on else None
        return _json_safe(data)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _mean(value: float) -> float | None:
    return round(float(value), 2) if math.isfinite(value) else None


def _group_rows(
    groups: cov.GroupCoverage, names: dict[str, str], places: dict[str, int] | None = None
) -> list[GroupRow]:
    share = groups.share_covered
    return [
        GroupRow(
            code=code,
            name=names.get(code, code),
            population=round(groups.population[i]),
            population_covered=round(groups.population_covered[i]),
            share_covered=float(share[i]),
            mean_minutes=_mean(groups.mean_minutes[i]),
            places=(places or {}).get(code, 0),
        )
        for i, code in enumerate(groups.keys.tolist())
    ]


def mesh_report(
    params: MeshParams | None = None, *, extra_sites: Sites | None = None
) -> MeshReport:
    """Coverage within the threshold for the open places (plus ``extra_sites`` if given)."""
    params = params or MeshParams.from_settings()
    params.validate()
    demand = demand_read(params.demand)
    places = places_read(on=params.on)
    lon, lat = places.lon, places.lat
    if extra_sites is not None:
        lon, lat = np.append(lon, extra_sites.lon), np.append(lat, extra_sites.lat)
    result = cov.coverage(
        travel_model(params),
        demand.lon,
        demand.lat,
        demand.weight,
        lon,
        lat,
        threshold_minutes=params.minutes,
    )
    communes = _commune_table()
    commune_names = {code: row[6] for code, row in communes.items()}
    place_deps = places_source().counts_by_departement(params.on)
    by_dep = _group_rows(
        cov.coverage_by_group(result, demand.departement),
        dict(Departement.objects.values_list("code", "name")),
        place_deps,
    )
    by_epci = _group_rows(
        cov.coverage_by_group(result, demand.epci), dict(Epci.objects.values_list("code", "name"))
    )
    by_commune = cov.coverage_by_group(result, demand.commune)
    zones = cov.white_zones(by_commune)
    white = set(zones.codes.tolist())
    grouped = {row.code: row for row in _group_rows(by_commune, commune_names)}
    # A few small communes hold no populated cell centre: give them their town hall's time.
    missing = sorted(set(communes) - set(grouped))
    if missing:
        town_halls = travel_model(params).minutes_to_nearest(
            [communes[c][0] for c in missing], [communes[c][1] for c in missing], lon, lat
        )
        for code, minutes in zip(missing, town_halls.minutes, strict=True):
            grouped[code] = GroupRow(code, commune_names[code], 0, 0, 0.0, _mean(minutes))
    commune_rows = [
        CommuneRow(
            code=code,
            name=commune_names[code],
            departement=communes[code][3],
            population=row.population,
            population_covered=row.population_covered,
            share_covered=row.share_covered,
            mean_minutes=row.mean_minutes,
            is_white_zone=code in white,
        )
        for code, row in sorted(grouped.items())
    ]
    by_code = {row.code: row for row in commune_rows}
    rural_urban = {
        r.code: r for r in _group_rows(cov.rural_urban_coverage(result, demand.density_level), {})
    }
    empty = GroupRow("", "", 0, 0, 0.0, None)
    n_places = len(lon)
    density = cov.PlaceDensity(
        population=float(result.population),
        places=n_places,
        reference_population=settings.NATIONAL_POPULATION,
        reference_places=settings.NATIONAL_PLACES,
    )
    return MeshReport(
        params=params,
        places=n_places,
        population=round(result.population),
        population_covered=round(result.population_covered),
        share_covered=result.share_covered,
        inhabitants_per_place=density.inhabitants_per_place,
        national_inhabitants_per_place=density.reference_inhabitants_per_place,
        target_places=settings.MESH_TARGET_PLACES,
        progress_to_target=cov.progress(n_places, settings.MESH_TARGET_PLACES),
        rural=rural_urban.get("rural", empty),
        urban=rural_urban.get("urban", empty),
        departements=by_dep,
        epcis=by_epci,
        communes=commune_rows,
        white_zones=[by_code[code] for code in zones.codes.tolist()],
        population_unreached=round(float(result.weight[~np.isfinite(result.minutes)].sum())),
    )


# --- where to open next -------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendedSite:
    rank: int
    commune: str
    name: str
    departement: str
    lon: float
    lat: float
    new_inhabitants: int
    """Inhabitants this site brings within the threshold, given the sites ranked before it."""
    candidate: str = ""
    """The candidate's id: the commune's code, or the record of a registered candidate set."""


@dataclass(frozen=True)
class Recommendation:
    params: MeshParams
    method: str
    status: str
    gap: float | None
    new: int
    sites: list[RecommendedSite]
    population: int
    covered_before: int
    covered_after: int
    uncoverable: int
    """Inhabitants that no candidate site can bring within the threshold."""
    places: int
    new_inhabitants: int = 0
    """Inhabitants the new sites bring within the threshold (the objective maximised)."""
    bound: int | None = None
    """Proven upper bound of ``new_inhabitants`` (exact methods; None for the heuristics)."""
    solve_s: float = 0.0
    """Seconds spent optimising (the reach matrices built, the instance read: not counted)."""

    @property
    def share_before(self) -> float:
        return self.covered_before / self.population if self.population else 0.0

    @property
    def share_after(self) -> float:
        return self.covered_after / self.population if self.population else 0.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["params"]["on"] = self.params.on.isoformat() if self.params.on else None
        data["share_before"] = self.share_before
        data["share_after"] = self.share_after
        return _json_safe(data)


def _reach(
    params: MeshParams, demand: Demand, sites_lon: np.ndarray, sites_lat: np.ndarray
):  # -> scipy.sparse.csr_matrix
    if params.model == "road":
        return travel_model(params).reach_matrix(
            demand.lon, demand.lat, sites_lon, sites_lat, minutes=params.minutes
        )
    return straight_line_reach(
        demand.lon,
        demand.lat,
        sites_lon,
        sites_lat,
        minutes=params.minutes,
        detour_factor=params.detour_factor,
        speed_kmh=params.speed_kmh,
    )


def _problem(params: MeshParams, sites: Sites | None = None) -> tuple[Any, Demand, Sites, int]:
    demand = demand_read(params.demand)
    places = places_read(on=params.on)
    candidates = sites if sites is not None else candidates_read()
    existing = cov.coverage(
        travel_model(params),
        demand.lon,
        demand.lat,
        demand.weight,
        places.lon,
        places.lat,
        threshold_minutes=params.minutes,
    )
    problem = CoverageProblem(
        demand_weight=demand.weight,
        reach=_reach(params, demand, candidates.lon, candidates.lat),
        already_covered=existing.covered,
    )
    return problem, demand, candidates, len(places.ids)


def mesh_recommend(
    params: MeshParams | None = None,
    *,
    new: int | None = 10,
    exact: bool = False,
    time_limit_s: float = 10.0,
    report: Any = None,
    candidates: Sites | None = None,
) -> Recommendation:
    """Where to open ``new`` places to bring the most inhabitants within the threshold (MCLP);
    with ``new=None``, the fewest places that bring everyone reachable within it (set cover).

    Candidates are the communes' town halls, or ``candidates`` (``territory.candidates``:
    the premises on offer); the open places are kept. ``exact``: the proven
    optimum (``location.mclp_exact`` / ``set_cover_exact``); else the greedy improved by swaps
    (``location.mclp_greedy_swap``) or the greedy set cover. ``report(fraction,
    message)`` is called as the work goes (for background tasks).
    """
    params = params or MeshParams.from_settings()
    params.validate()
    say = report or (lambda fraction, message="": None)
    say(0.05, "Reading the territory and the places")
    problem, demand, candidates, n_places = _problem(params, candidates)
    codes = candidates.communes or [str(i) for i in candidates.ids]
    say(0.4, "Optimising")
    started = time.perf_counter()
    if new is None:
        solve = location.set_cover_exact if exact else location.set_cover_greedy
        solution = solve(problem, time_limit_s=time_limit_s) if exact else solve(problem)
    elif exact:
        solution = location.mclp_exact(problem, new, time_limit_s=time_limit_s)
    else:
        solution = location.mclp_greedy_swap(problem, new)
    solve_s = time.perf_counter() - started
    say(0.9, "Preparing the results")
    communes = _commune_table()
    sites = [
        RecommendedSite(
            rank=rank,
            commune=codes[j],
            name=candidates.labels[j],
            departement=communes[codes[j]][3],
            lon=float(candidates.lon[j]),
            lat=float(candidates.lat[j]),
            new_inhabitants=round(float(gain)),
            candidate=str(candidates.ids[j]),
        )
        for rank, (j, gain) in enumerate(zip(solution.chosen, solution.gains, strict=True), 1)
    ]
    gap = solution.gap if math.isfinite(solution.gap) else None
    return Recommendation(
        params=params,
        method=solution.method,
        status=solution.status,
        gap=gap,
        new=len(sites),
        sites=sites,
        population=round(float(demand.weight.sum())),
        covered_before=round(problem.already_covered_weight),
        covered_after=round(solution.covered_weight),
        uncoverable=round(solution.uncoverable_weight),
        places=n_places,
        new_inhabitants=round(solution.new_weight),
        bound=round(solution.bound) if new is not None and math.isfinite(solution.bound) else None,
        solve_s=solve_s,
    )


def site_marginal_gain(params: MeshParams, *, lon: float, lat: float) -> int:
    """Inhabitants a new place at (lon, lat) would bring within the threshold."""
    demand = demand_read(params.demand)
    places = places_read(on=params.on)
    existing = cov.coverage(
        travel_model(params),
        demand.lon,
        demand.lat,
        demand.weight,
        places.lon,
        places.lat,
        threshold_minutes=params.minutes,
    )
    problem = CoverageProblem(
        demand_weight=demand.weight,
        reach=_reach(params, demand, np.array([lon]), np.array([lat])),
        already_covered=existing.covered,
    )
    return round(marginal_gain(problem, 0))


def candidates_marginal_gains(params: MeshParams) -> tuple[Sites, np.ndarray]:
    """The candidate sites (the communes' town halls) and, for each, the inhabitants a new
    place there would bring within the threshold: ``site_marginal_gain`` of every candidate,
    in one pass over the grid."""
    problem, _demand, candidates, _n = _problem(params)
    gains = np.array(
        [round(marginal_gain(problem, j)) for j in range(len(candidates.ids))], dtype=np.int64
    )
    return candidates, gains
