"""Reads on the territory, and the adapter that turns querysets into arrays for analytics."""

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet, Sum

from tierslieux.core.regions import REGIONS
from tierslieux.core.text import normalize
from tierslieux.territory.analytics import geometry, indicators
from tierslieux.territory.models import CellKind, Commune, Departement, Epci, PopulationCell


@dataclass(frozen=True)
class RegionFigures:
    """Key figures of the loaded territory."""

    region_name: str
    communes: int
    population: int
    population_2021: int
    departements: int
    epci: int
    rural_share_2021: float
    """Share (0..1) of the 2021 municipal population living in rural communes (levels 5-7)."""
    rural_communes: int
    grid_cells: int
    grid_population: int

    @property
    def is_loaded(self) -> bool:
        return self.communes > 0


@dataclass(frozen=True)
class DepartementRow:
    code: str
    name: str
    communes: int
    population: int
    population_2021: int
    rural_share_2021: float
    grid_cells: int
    grid_population: int


def communes_arrays() -> dict[str, np.ndarray]:
    """Communes as parallel arrays (code, département, population, 2021 population, level)."""
    rows = list(
        Commune.objects.order_by("code").values_list(
            "code", "departement_id", "population", "population_2021", "density_level"
        )
    )
    if not rows:
        empty = np.array([], dtype=np.int64)
        return {
            "code": np.array([], dtype=np.str_),
            "departement": np.array([], dtype=np.str_),
            "population": empty,
            "population_2021": empty,
            "density_level": empty,
        }
    code, dep, pop, pop21, level = zip(*rows, strict=True)
    return {
        "code": np.array(code, dtype=np.str_),
        "departement": np.array(dep, dtype=np.str_),
        "population": np.array(pop, dtype=np.int64),
        "population_2021": np.array(pop21, dtype=np.int64),
        "density_level": np.array(level, dtype=np.int64),
    }


def region_figures() -> RegionFigures:
    """The region's figures shown on the home page, computed from the loaded records."""
    arrays = communes_arrays()
    grid = PopulationCell.objects.filter(kind=CellKind.GRID_1KM).aggregate(
        n=Count("pk"), pop=Sum("population")
    )
    return RegionFigures(
        region_name=settings.TERRITORY_REGION_NAME,
        communes=len(arrays["code"]),
        population=int(arrays["population"].sum()),
        population_2021=int(arrays["population_2021"].sum()),
        departements=Departement.objects.filter(communes__isnull=False).distinct().count(),
        epci=Epci.objects.count(),
        rural_share_2021=indicators.weighted_share(
            arrays["population_2021"], indicators.rural_mask(arrays["density_level"])
        ),
        rural_communes=int(indicators.rural_mask(arrays["density_level"]).sum()),
        grid_cells=grid["n"] or 0,
        grid_population=grid["pop"] or 0,
    )


def region_departements() -> QuerySet[Departement]:
    """The départements of the deployment's region, by code."""
    return Departement.objects.filter(region_code=settings.TERRITORY_REGION_CODE).order_by("code")


def departements_of(*, regions: tuple[str, ...]) -> QuerySet[Departement]:
    """The départements of ``regions`` (INSEE codes), by code: the public pages' choice."""
    return Departement.objects.filter(region_code__in=regions).order_by("code")


def departement_table() -> list[DepartementRow]:
    """One row per département of the region: communes, population, rural share, grid."""
    arrays = communes_arrays()
    totals = indicators.totals_by_group(
        arrays["departement"], arrays["population_2021"], arrays["density_level"]
    )
    population = indicators.totals_by_group(
        arrays["departement"], arrays["population"], arrays["density_level"]
    )
    names = dict(Departement.objects.values_list("code", "name"))
    grid = {
        row["commune__departement_id"]: row
        for row in PopulationCell.objects.values("commune__departement_id").annotate(
            n=Count("pk"), pop=Sum("population")
        )
    }
    rows = []
    for i, code in enumerate(totals.keys.tolist()):
        cells = grid.get(code, {"n": 0, "pop": 0})
        rows.append(
            DepartementRow(
                code=code,
                name=names.get(code, code),
                communes=int(totals.count[i]),
                population=int(population.population[i]),
                population_2021=int(totals.population[i]),
                rural_share_2021=float(totals.rural_share[i]),
                grid_cells=int(cells["n"]),
                grid_population=int(cells["pop"] or 0),
            )
        )
    return rows


# --- finding a commune from what a person typed -----------------------------------------------

INSEE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$", re.IGNORECASE)
_QUALIFIED = re.compile(r"^(?P<name>.*?)\s*\((?P<qualifier>[0-9AB]{2,5})\)$", re.IGNORECASE)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
CANDIDATE_LIMIT = 20
"""At most this many communes are offered to choose from."""

# Ranks of a match, best first.
RANK_CODE, RANK_POSTCODE, RANK_NAME, RANK_PREFIX, RANK_CONTAINS = range(5)


def commune_key(text: str) -> str:
    """The comparison form of a commune name: no accents, case, hyphens; "St" is "Saint"."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in normalize(text).split())


def commune_label(commune: Commune) -> str:
    """How a commune is written back to a person: "Saint-Émilion (33)"."""
    return f"{commune.name} ({commune.departement_id})"


@dataclass(frozen=True, slots=True)
class _IndexRow:
    code: str
    key: str
    departement: str
    postal_codes: tuple[str, ...]
    population: int


_search_index: dict[tuple[int, str], tuple[_IndexRow, ...]] = {}


def _commune_index() -> tuple[_IndexRow, ...]:
    """Every commune's comparison key, built once per process (and per territory loaded)."""
    latest = Commune.objects.order_by("-code").values_list("code", flat=True).first() or ""
    stamp = (Commune.objects.count(), latest)
    if stamp not in _search_index:
        _search_index.clear()
        rows = Commune.objects.values_list(
            "code", "name", "departement_id", "postal_codes", "population"
        )
        _search_index[stamp] = tuple(
            _IndexRow(code, commune_key(name), dep, tuple(postal or ()), population)
            for code, name, dep, postal, population in rows
        )
    return _search_index[stamp]


def _matches(query: str) -> list[tuple[int, _IndexRow]]:
    """(rank, row) of every commune ``query`` may mean, best first, largest first."""
    text = " ".join(query.split())
    qualifier = ""
    qualified = _QUALIFIED.match(text)
    if qualified and qualified["name"]:
        text, qualifier = qualified["name"], qualified["qualifier"].upper()
    found: list[tuple[int, _IndexRow]] = []
    compact = text.replace(" ", "")
    if compact.isdigit() or INSEE_CODE.match(compact):
        upper = compact.upper()
        for row in _commune_index():
            if row.code == upper:
                found.append((RANK_CODE, row))
            elif upper in row.postal_codes:
                found.append((RANK_POSTCODE, row))
            elif (
                len(upper) < 5
                and upper.isdigit()
                and any(p.startswith(upper) for p in row.postal_codes)
            ):
                found.append((RANK_PREFIX, row))
    else:
        key = commune_key(text)
        if not key:
            return []
        words = key.split()
        for row in _commune_index():
            if row.key == key:
                found.append((RANK_NAME, row))
            elif row.key.startswith(key):
                found.append((RANK_PREFIX, row))
            elif all(word in row.key for word in words):
                found.append((RANK_CONTAINS, row))
        if qualifier:
            found = [
                (rank, row)
                for rank, row in found
                if qualifier in (row.departement, *row.postal_codes)
            ]
    found.sort(key=lambda hit: (hit[0], -hit[1].population, hit[1].key))
    return found


def _communes(codes: list[str]) -> list[Commune]:
    by_code = Commune.objects.select_related("departement").in_bulk(codes)
    return [by_code[code] for code in codes if code in by_code]


def commune_search(*, query: str, limit: int = 10) -> list[Commune]:
    """Communes ``query`` may mean, best first: its INSEE code, a postcode (or the start of
    one), its name (accents, case and hyphens ignored), the start of its name, then names
    holding every word typed; "Name (33)" keeps the communes of département 33."""
    query = query.strip()
    if not query or "\x00" in query:  # PostgreSQL cannot compare a NUL byte
        return []
    return _communes([row.code for _rank, row in _matches(query)[:limit]])


def commune_matches(commune: Commune, query: str) -> bool:
    """Whether ``query`` may mean ``commune`` (its name, label, start of name, code, postcode)."""
    if commune_key(query) == commune_key(commune_label(commune)):
        return True
    return any(row.code == commune.code for _rank, row in _matches(query))


@dataclass(frozen=True)
class CommuneChoice:
    """The outcome of resolving typed text: one commune, several candidates, or nothing."""

    query: str
    commune: Commune | None = None
    candidates: list[Commune] = field(default_factory=list)
    total: int = 0
    """How many communes matched (``candidates`` holds the first ``CANDIDATE_LIMIT``)."""
    guessed: bool = False
    """The candidates only hold the words typed somewhere in their name (no name matched)."""

    @property
    def is_ambiguous(self) -> bool:
        """No commune resolved, but candidates to choose from (one, if only guessed)."""
        return self.commune is None and bool(self.candidates)

    @property
    def is_unknown(self) -> bool:
        return self.commune is None and not self.candidates


def commune_resolve(*, query: str, code: str = "") -> CommuneChoice:
    """The commune meant by ``code`` (picked from suggestions) or by the text ``query``.

    A picked code wins while the text still names it (the text may have been changed since,
    when JavaScript is off). Otherwise one commune is resolved when the text is its INSEE
    code, a postcode of it alone, its exact name shared with no other commune ("pau" is Pau,
    not Pauillac), or the start of its name alone; communes sharing a postcode or a name are
    candidates to choose from; names merely holding the words typed are only suggested.
    """
    query = " ".join(query.split())
    code = code.strip().upper()
    if code and INSEE_CODE.match(code):
        chosen = Commune.objects.select_related("departement").filter(code=code).first()
        if chosen is not None and (not query or commune_matches(chosen, query)):
            return CommuneChoice(query=query or commune_label(chosen), commune=chosen)
    if not query:
        return CommuneChoice(query="")
    hits = _matches(query)
    strong = [row.code for rank, row in hits if rank <= RANK_NAME]
    prefix = [row.code for rank, row in hits if rank == RANK_PREFIX]
    loose = [row.code for rank, row in hits if rank == RANK_CONTAINS]
    if len(strong) == 1:
        return CommuneChoice(query=query, commune=_communes(strong)[0])
    if not strong and len(prefix) == 1:
        return CommuneChoice(query=query, commune=_communes(prefix)[0])
    chosen_codes = strong or prefix or loose
    return CommuneChoice(
        query=query,
        candidates=_communes(chosen_codes[:CANDIDATE_LIMIT]),
        total=len(chosen_codes),
        guessed=not (strong or prefix),
    )


@dataclass(frozen=True)
class CommuneLocator:
    """Finds the commune of a point (polygon containment) among the loaded communes."""

    codes: tuple[str, ...]
    index: geometry.PolygonIndex

    def locate(self, lon: float, lat: float, *, tolerance_km: float = 0.0) -> str | None:
        """The commune containing the point, else the nearest one within ``tolerance_km``."""
        position = int(self.index.locate([lon], [lat])[0])
        if position < 0 and tolerance_km > 0:
            # 1 km is about 0.009 degree of latitude, and more of longitude: a safe bound.
            position = int(self.index.nearest([lon], [lat], max_distance_deg=tolerance_km / 111)[0])
        return self.codes[position] if position >= 0 else None


_locator_cache: dict[int, CommuneLocator] = {}


def commune_locator() -> CommuneLocator:
    """The locator of the loaded communes, built once per process (and per territory size)."""
    count = Commune.objects.count()
    if count not in _locator_cache:
        _locator_cache.clear()
        rows = list(Commune.objects.order_by("code").values_list("code", "geometry"))
        _locator_cache[count] = CommuneLocator(
            codes=tuple(code for code, _ in rows),
            index=geometry.PolygonIndex([geom for _, geom in rows]),
        )
    return _locator_cache[count]


def commune_by_postcode_and_name(*, postcode: str, name: str) -> Commune | None:
    """The commune whose postcodes include ``postcode`` and whose name matches ``name``."""
    if not postcode:
        return None
    candidates = list(Commune.objects.filter(postal_codes__icontains=f'"{postcode}"'))
    wanted = normalize(name)
    named = [c for c in candidates if normalize(c.name) == wanted]
    if len(named) == 1:
        return named[0]
    return candidates[0] if len(candidates) == 1 and not wanted else None


# --- outlines for the maps (GeoJSON) ----------------------------------------------------------

OUTLINE_DECIMALS = 4
"""Outline coordinates are rounded to 4 decimals (about 11 m): enough for a regional map."""
OUTLINE_SLIVER_DEG2 = 1e-4
"""Holes smaller than this (about 0.8 km²) in a union of communes are slivers, not enclaves."""
OUTLINE_CACHE_SECONDS = 24 * 3600
OUTLINE_LEVELS = ("departement", "commune")


def _rounded(geometry: shapely.Geometry) -> shapely.Geometry:
    """Snap to a 10^-4 degree grid (valid output, duplicate points removed)."""
    return shapely.set_precision(geometry, 10.0**-OUTLINE_DECIMALS)


def _without_slivers(geometry: shapely.Geometry) -> shapely.Geometry:
    """Drop the tiny holes left between simplified commune outlines; keep real enclaves."""
    polygons = shapely.get_parts(geometry)
    kept = [
        shapely.Polygon(
            p.exterior,
            [r for r in p.interiors if shapely.Polygon(r).area >= OUTLINE_SLIVER_DEG2],
        )
        for p in polygons
        if p.area >= OUTLINE_SLIVER_DEG2
    ]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)


def _feature(properties: dict[str, Any], geometry: shapely.Geometry) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": json.loads(shapely.to_geojson(geometry)),
    }


def _build_outlines(level: str, departement: str) -> bytes:
    communes = Commune.objects.order_by("code")
    if departement:
        communes = communes.filter(departement_id=departement)
    rows = list(communes.values_list("code", "name", "departement_id", "geometry"))
    if level == "commune":
        features = [
            _feature({"code": code, "name": name}, _rounded(shapely.geometry.shape(geometry)))
            for code, name, _dep, geometry in rows
        ]
    else:
        names = dict(Departement.objects.values_list("code", "name"))
        by_departement: dict[str, list[shapely.Geometry]] = {}
        for _code, _name, dep, geometry in rows:
            by_departement.setdefault(dep, []).append(shapely.geometry.shape(geometry))
        features = [
            _feature(
                {"code": dep, "name": names.get(dep, dep)},
                _without_slivers(shapely.union_all(_rounded(np.array(parts, dtype=object)))),
            )
            for dep, parts in sorted(by_departement.items())
        ]
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode()


def outlines_geojson(*, level: str, departement: str = "") -> bytes:
    """Outlines of départements or communes (of one département if given), GeoJSON bytes.

    Computed once (the union takes about two seconds for the region) and kept in the cache.
    """
    if level not in OUTLINE_LEVELS:
        raise ValueError(f"Unknown outline level {level!r}")
    key = f"territory:outlines:v1:{level}:{departement}"
    return cache.get_or_set(
        key, lambda: _build_outlines(level, departement), timeout=OUTLINE_CACHE_SECONDS
    )


# --- town names for the maps' offline base layer ----------------------------------------------

TOWN_LABEL_DECIMALS = 4


def _build_towns() -> bytes:
    rows = Commune.objects.order_by("-population", "name").values_list(
        "name", "population", "lon", "lat"
    )
    towns = [
        [name, population, round(lon, TOWN_LABEL_DECIMALS), round(lat, TOWN_LABEL_DECIMALS)]
        for name, population, lon, lat in rows
    ]
    body = {"fields": ["name", "population", "lon", "lat"], "towns": towns}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


def towns_json() -> bytes:
    """Every commune's name, population and town-hall point (lon, lat), largest first, as
    compact JSON rows: the maps draw the names of the larger towns at each zoom (a base layer
    without tiles). About 160 kB, 65 kB compressed, for the region's 4,293 communes."""
    stamp = Commune.objects.count()
    return cache.get_or_set(
        f"territory:towns:v2:{stamp}", _build_towns, timeout=OUTLINE_CACHE_SECONDS
    )


def departements_near(*, lon: float, lat: float, radius_km: float = 25.0) -> list[str]:
    """Codes of the départements with a town hall within about ``radius_km`` of the point
    (a bounding box: the small map of a place loads the commune outlines of these)."""
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.2, math.cos(math.radians(lat))))
    codes = (
        Commune.objects.filter(
            lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon)
        )
        .values_list("departement_id", flat=True)
        .distinct()
    )
    return sorted(set(codes))


def region_demand_kind(code: str) -> CellKind:
    """What the mesh's demand is in a region: the 1 km grid (metropolitan regions) or each
    commune's population at its town hall (the overseas regions, which have no 1 km grid;
    ADR 0028). Pages say so beside the figures."""
    region = REGIONS.get(code)
    if region is None:
        raise ValueError(f"Unknown region code {code!r}")
    return CellKind.COMMUNE_POINT if region.overseas else CellKind.GRID_1KM
