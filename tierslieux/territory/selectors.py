"""Reads on the territory, and the adapter that turns querysets into arrays for analytics."""

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum

from tierslieux.territory.analytics import geometry, indicators
from tierslieux.territory.models import Commune, Departement, Epci, PopulationCell


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
    grid = PopulationCell.objects.aggregate(n=Count("pk"), pop=Sum("population"))
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


def commune_search(*, query: str, limit: int = 10) -> list[Commune]:
    """Communes whose name starts with ``query`` (or whose code or postcode equals it)."""
    query = query.strip()
    if not query or "\x00" in query:  # PostgreSQL cannot compare a NUL byte
        return []
    if query.isdigit():
        found = list(Commune.objects.filter(code=query)[:limit])
        if len(found) < limit:
            # postal_codes is a JSON list: a substring match on its text works on every backend.
            found += list(
                Commune.objects.filter(postal_codes__icontains=f'"{query}"').exclude(code=query)[
                    : limit - len(found)
                ]
            )
        return found
    return list(
        Commune.objects.filter(name__istartswith=query).order_by("-population", "name")[:limit]
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
    from tierslieux.core.text import normalize

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
