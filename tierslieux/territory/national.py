"""The national view of the mesh: coverage across regional borders, compared by region and
département (docs/national-view.md, docs/adr/0031-coverage-across-borders.md).

The rule: a place serves the inhabitants within reach on both sides of a regional border. So
coverage is computed ONCE, on the whole loaded demand (every loaded region's 1 km cells, and
the town-hall points of the overseas regions, which have no grid) against every loaded place,
and only then summed by the région and the département each demand point lies in
(``analytics.areas``). A region's figures thus count the places of its loaded neighbours within
reach; a neighbour that is not loaded has no places here, and the figures say so.

The computation is cached (``national_totals_cached``) under the parameters and what it depends
on, like the regional report (``mesh_cache``); ``manage.py coverage --regions`` computes it and
leaves it in the cache, so that pages read it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Sum

from tierslieux.core.regions import OVERSEAS, REGIONS, region_name
from tierslieux.territory.analytics import areas
from tierslieux.territory.mesh import (
    MeshParams,
    _json_safe,
    places_read,
    places_source,
    travel_model,
)
from tierslieux.territory.mesh_cache import CACHE_SECONDS, inputs_fingerprint, params_key
from tierslieux.territory.models import CellKind, Commune, Departement, PopulationCell

RULE = (
    "A place serves the inhabitants within reach on both sides of a regional border: coverage "
    "is computed once for every inhabitant against every loaded place, whatever its region, "
    "then summed by the region and the département where the inhabitants live."
)
"""The rule, in English, as the JSON output and the files state it beside the figures."""

OVERSEAS_NOTE = "Demand counted at town-hall points (no 1 km population grid overseas)."

REGION_NEIGHBOURS: dict[str, frozenset[str]] = {
    code: frozenset(neighbours)
    for code, neighbours in {
        "11": ("24", "27", "28", "32", "44"),
        "24": ("11", "27", "28", "52", "75", "84"),
        "27": ("11", "24", "44", "84"),
        "28": ("11", "24", "32", "52", "53"),
        "32": ("11", "28", "44"),
        "44": ("11", "27", "32"),
        "52": ("24", "28", "53", "75"),
        "53": ("28", "52"),
        "75": ("24", "52", "76", "84"),
        "76": ("75", "84", "93"),
        "84": ("24", "27", "75", "76", "93"),
        "93": ("76", "84"),
        "94": (),
        **dict.fromkeys(OVERSEAS, ()),
    }.items()
}
"""Regions sharing a land border (metropolitan France; derived from the 1 km grid: cells of the
two regions within 1.5 km of each other, the same 23 pairs as within a 20-minute reach, see
tests). Foreign countries are not in the product: their places never count."""

CACHE_VERSION = "national-v1"


# --- money committed, handed down by the calls app (a higher layer) ------------------------

_funds_source: Callable[[], dict[str, int]] | None = None


def funds_source_register(source: Callable[[], dict[str, int]]) -> None:
    """The calls app registers ``source() -> {region code: granted cents}`` when ready; a
    region holds a key only when it has a call (it uses the product)."""
    global _funds_source
    _funds_source = source


def committed_by_region() -> dict[str, int]:
    """{region: cents granted to accepted applications of its calls}; regions without a call
    are absent (empty when the calls app is not installed)."""
    return _funds_source() if _funds_source is not None else {}


# --- the demand -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalDemand:
    """Demand points with the département and région they lie in."""

    lon: np.ndarray
    lat: np.ndarray
    weight: np.ndarray
    departement: np.ndarray
    region: np.ndarray
    grid_points: int
    commune_points: int


def _points(rows: list[tuple]) -> np.ndarray:
    """(lon, lat, inhabitants) rows as an (n, 3) float array."""
    return np.array(rows, dtype=np.float64).reshape(-1, 3)


def _cells_read() -> tuple[np.ndarray, np.ndarray]:
    """Every cell's (lon, lat, inhabitants) and the index of its département in the sorted
    codes, with two queries and no per-row Python work besides the driver's tuples: cells
    ordered by commune, and how many cells each commune holds (the foreign-key index)."""
    points = _points(
        list(PopulationCell.objects.order_by("commune_id").values_list("lon", "lat", "population"))
    )
    groups = list(
        PopulationCell.objects.order_by("commune_id")
        .values("commune_id")
        .annotate(n=Count("pk"))
        .values_list("commune_id", "n")
    )
    commune_dep = dict(Commune.objects.values_list("code", "departement_id"))
    return points, np.repeat(
        np.array([commune_dep[code] for code, _n in groups], dtype=np.str_),
        np.array([n for _code, n in groups], dtype=np.int64),
    )


def _demand_fingerprint(kind: str) -> str:
    cells = PopulationCell.objects.aggregate(n=Count("pk"), pop=Sum("population"), top=Max("pk"))
    communes = Commune.objects.aggregate(n=Count("pk"), pop=Sum("population"))
    return f"{kind}:{cells['n']}:{cells['pop']}:{cells['top']}:{communes['n']}:{communes['pop']}"


def _demand_arrays(kind: str) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(points (n, 3), département of each point, grid points, commune points)."""
    departement = np.array([], dtype=np.str_)
    points = _points([])
    communes = Commune.objects.order_by("code")
    if kind == "grid":
        points, departement = _cells_read()
        communes = communes.filter(departement__region_code__in=OVERSEAS).exclude(
            code__in=PopulationCell.objects.order_by().values("commune_id")
        )
    # Overseas communes are loaded as demand rows of kind "commune point" (ADR 0028): they are
    # read with the cells but counted as commune points.
    loaded_commune_points = (
        PopulationCell.objects.filter(kind=CellKind.COMMUNE_POINT).count() if kind == "grid" else 0
    )
    grid_points = len(points) - loaded_commune_points
    town_halls = list(communes.values_list("lon", "lat", "population", "departement_id"))
    if town_halls:
        points = np.concatenate([points, _points([row[:3] for row in town_halls])])
        departement = np.concatenate(
            [departement, np.array([row[3] for row in town_halls], dtype=np.str_)]
        )
    return (
        points,
        departement.astype(np.str_),
        grid_points,
        loaded_commune_points + len(town_halls),
    )


def national_demand_read(kind: str = "grid") -> NationalDemand:
    """Every loaded demand point as arrays (no model instances), kept in the cache under a
    fingerprint of the cells and communes (count, inhabitants, latest id).

    ``grid``: the 1 km cells, plus the town-hall points of overseas communes that hold no cell;
    ``communes``: every commune's town-hall point.
    """
    digest = hashlib.sha256(_demand_fingerprint(kind).encode()).hexdigest()[:20]
    key = f"territory:{CACHE_VERSION}:demand:{digest}"
    points, departement, grid_points, commune_points = cache.get_or_set(
        key, lambda: _demand_arrays(kind), timeout=CACHE_SECONDS
    )
    dep_region = dict(Departement.objects.values_list("code", "region_code"))
    codes, inverse = np.unique(departement, return_inverse=True)
    region = np.array([dep_region.get(c, "") for c in codes.tolist()], dtype=np.str_)[inverse]
    return NationalDemand(
        lon=points[:, 0],
        lat=points[:, 1],
        weight=points[:, 2],
        departement=departement,
        region=region.astype(np.str_),
        grid_points=grid_points,
        commune_points=commune_points,
    )


def loaded_regions() -> tuple[str, ...]:
    """Regions with communes in the database, in INSEE order."""
    codes = set(
        Departement.objects.filter(communes__isnull=False)
        .values_list("region_code", flat=True)
        .distinct()
    )
    return tuple(code for code in REGIONS if code in codes)


def regions_check(regions: Iterable[str]) -> tuple[str, ...]:
    """The regions asked for, all loaded; a ValueError naming the missing ones otherwise."""
    asked = tuple(regions)
    loaded = loaded_regions()
    missing = [code for code in asked if code not in loaded]
    if missing:
        names = ", ".join(f"{code} {region_name(code)}" for code in missing)
        raise ValueError(
            f"Region(s) not loaded: {names}. Load them first: "
            f"manage.py load_territory --regions {','.join(missing)}"
        )
    return asked


# --- computed once --------------------------------------------------------------------------


@dataclass(frozen=True)
class NationalTotals:
    """Coverage of the whole loaded demand, summed per département and per région."""

    params: MeshParams
    loaded_regions: tuple[str, ...]
    places: int
    """Every loaded open place (all of them serve the demand, whatever their region)."""
    departements: dict[str, tuple[float, float]]
    """{département: (inhabitants, inhabitants within the threshold)}."""
    regions: dict[str, tuple[float, float]]
    places_by_departement: dict[str, int]
    """Open places located in each département (for inhabitants per place)."""
    grid_points: int
    commune_points: int
    read_s: float
    compute_s: float
    """Seconds to read the demand and places, and to decide coverage and sum it by area."""


def national_totals(params: MeshParams | None = None) -> NationalTotals:
    """Coverage decided once for every loaded demand point against every loaded place, then
    summed by the point's département and région."""
    params = params or MeshParams.from_settings()
    params.validate()
    started = time.perf_counter()
    demand = national_demand_read(params.demand)
    places = places_read(on=params.on)
    places_by_dep = places_source().counts_by_departement(params.on)
    model = travel_model(params) if params.model == "road" else None
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    covered = areas.covered_points(
        demand.lon,
        demand.lat,
        places.lon,
        places.lat,
        minutes=params.minutes,
        detour_factor=params.detour_factor,
        speed_kmh=params.speed_kmh,
        model=model,
    )
    by_dep = areas.totals_by_area(demand.weight, covered, demand.departement).as_dict()
    by_region = areas.totals_by_area(demand.weight, covered, demand.region).as_dict()
    compute_s = time.perf_counter() - started
    return NationalTotals(
        params=params,
        loaded_regions=loaded_regions(),
        places=len(places.ids),
        departements=by_dep,
        regions=by_region,
        places_by_departement=dict(places_by_dep),
        grid_points=demand.grid_points,
        commune_points=demand.commune_points,
        read_s=read_s,
        compute_s=compute_s,
    )


def totals_cache_key(params: MeshParams) -> str:
    stamp = f"{inputs_fingerprint()}:{PopulationCell.objects.count()}"
    digest = hashlib.sha256(stamp.encode()).hexdigest()[:20]
    return f"territory:{CACHE_VERSION}:{params_key(params)}:{digest}"


def national_totals_cached(params: MeshParams | None = None) -> NationalTotals:
    """``national_totals(params)``, computed once per inputs (pages read this)."""
    params = params or MeshParams.from_settings()
    return cache.get_or_set(
        totals_cache_key(params), lambda: national_totals(params), timeout=CACHE_SECONDS
    )


def national_totals_store(totals: NationalTotals) -> None:
    """Keep freshly computed totals for the pages (the command computes, pages read)."""
    cache.set(totals_cache_key(totals.params), totals, timeout=CACHE_SECONDS)


# --- the comparison -------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaRow:
    """One région or département of the comparison."""

    level: str
    """"region" or "departement"."""
    code: str
    name: str
    region: str
    population: int
    population_covered: int
    share_covered: float
    population_beyond: int
    """Inhabitants beyond the threshold: the white-zone population."""
    places: int
    """Open places located in the area."""
    inhabitants_per_place: float | None
    places_per_100k: float | None
    overseas: bool = False
    committed_cents: int | None = None
    """Granted to accepted applications of the region's calls; None where it has no call."""
    border_not_counted: tuple[str, ...] = ()
    """Neighbouring regions not loaded: their places within reach are not counted."""

    @property
    def border_not_counted_names(self) -> str:
        """Those neighbours' names, for pages."""
        return ", ".join(region_name(code) for code in self.border_not_counted)


@dataclass(frozen=True)
class NationalReport:
    params: MeshParams
    regions: tuple[str, ...]
    """The regions compared (INSEE order)."""
    loaded_regions: tuple[str, ...]
    places_loaded: int
    total: AreaRow
    region_rows: list[AreaRow]
    departement_rows: list[AreaRow]
    grid_points: int
    commune_points: int
    read_s: float
    compute_s: float
    rule: str = RULE
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["params"]["on"] = self.params.on.isoformat() if self.params.on else None
        data["params"].pop("osm_path", None)
        return _json_safe(data)


def _row(
    level: str,
    code: str,
    name: str,
    region: str,
    figures: tuple[float, float],
    places: int,
    **extra: Any,
) -> AreaRow:
    population, covered = figures
    return AreaRow(
        level=level,
        code=code,
        name=name,
        region=region,
        population=round(population),
        population_covered=round(covered),
        share_covered=covered / population if population > 0 else 0.0,
        population_beyond=round(population) - round(covered),
        places=places,
        inhabitants_per_place=areas.inhabitants_per_place(population, places),
        places_per_100k=areas.places_per_100k(places, population),
        **extra,
    )


def border_notes(regions: Iterable[str], loaded: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """{region: its neighbours that are not loaded} for the regions that have some."""
    loaded_set = set(loaded)
    notes = {}
    for code in regions:
        missing = tuple(sorted(REGION_NEIGHBOURS.get(code, frozenset()) - loaded_set))
        if missing:
            notes[code] = missing
    return notes


def national_report(
    totals: NationalTotals, regions: Iterable[str], *, funds: dict[str, int] | None = None
) -> NationalReport:
    """The comparison of ``regions`` (and their départements) from the totals computed once."""
    selected = tuple(code for code in REGIONS if code in set(regions))
    funds = committed_by_region() if funds is None else funds
    border = border_notes(selected, totals.loaded_regions)
    deps = list(
        Departement.objects.filter(region_code__in=selected)
        .order_by("code")
        .values_list("code", "name", "region_code")
    )
    places_by_region: dict[str, int] = {}
    for code, _name, region in deps:
        places_by_region[region] = places_by_region.get(region, 0) + (
            totals.places_by_departement.get(code, 0)
        )
    departement_rows = [
        _row(
            "departement",
            code,
            name,
            region,
            totals.departements[code],
            totals.places_by_departement.get(code, 0),
            overseas=REGIONS[region].overseas if region in REGIONS else False,
        )
        for code, name, region in deps
        if code in totals.departements
    ]
    region_rows = [
        _row(
            "region",
            code,
            region_name(code),
            code,
            totals.regions.get(code, (0.0, 0.0)),
            places_by_region.get(code, 0),
            overseas=REGIONS[code].overseas,
            committed_cents=funds.get(code),
            border_not_counted=border.get(code, ()),
        )
        for code in selected
    ]
    population = sum(totals.regions.get(code, (0.0, 0.0))[0] for code in selected)
    covered = sum(totals.regions.get(code, (0.0, 0.0))[1] for code in selected)
    committed = [funds[code] for code in selected if code in funds]
    total = _row(
        "total",
        "",
        "France" if set(selected) == set(REGIONS) else ", ".join(map(region_name, selected)),
        "",
        (population, covered),
        sum(places_by_region.get(code, 0) for code in selected),
        committed_cents=sum(committed) if committed else None,
    )
    notes = [
        f"{region_name(code)}: the places of {', '.join(map(region_name, missing))} are not "
        "loaded, so the border effect with them is not counted."
        for code, missing in border.items()
    ]
    if any(REGIONS[code].overseas for code in selected):
        notes.append(OVERSEAS_NOTE)
    return NationalReport(
        params=totals.params,
        regions=selected,
        loaded_regions=totals.loaded_regions,
        places_loaded=totals.places,
        total=total,
        region_rows=region_rows,
        departement_rows=departement_rows,
        grid_points=totals.grid_points,
        commune_points=totals.commune_points,
        read_s=totals.read_s,
        compute_s=totals.compute_s,
        notes=notes,
    )
