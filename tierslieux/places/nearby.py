"""Adapters of the public map and of "near me": querysets in, arrays to analytics, results out.

- ``commune_resolve``: what a visitor typed (a name, a postcode) -> one commune or candidates;
- ``places_near``: published, open places sorted by estimated travel time from a commune
  (``territory.analytics.travel``);
- ``places_geojson``: the map's places as a GeoJSON FeatureCollection;
- ``outlines_geojson``: département (union of their communes) or commune outlines, computed once
  and kept in Django's cache.
"""

import datetime
import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse

from tierslieux.core.text import normalize
from tierslieux.places.models import Place
from tierslieux.places.selectors import place_open_published
from tierslieux.territory.analytics.travel import (
    StraightLineModel,
    TravelTimeModel,
    haversine_km,
)
from tierslieux.territory.models import Commune, Departement
from tierslieux.territory.selectors import commune_search

DEFAULT_THRESHOLD_MINUTES = 20
FURTHER_LIMIT = 10
"""How many places beyond the threshold the "near me" page lists."""
CANDIDATE_LIMIT = 20
OUTLINE_DECIMALS = 4
"""Outline coordinates are rounded to 4 decimals (about 11 m): enough for a regional map."""
OUTLINE_SLIVER_DEG2 = 1e-4
"""Holes smaller than this (about 0.8 km²) in a union of communes are slivers, not enclaves."""
OUTLINE_CACHE_SECONDS = 24 * 3600
OUTLINE_LEVELS = ("departement", "commune")


def default_travel_model() -> StraightLineModel:
    """The straight-line model with the mesh's settings (detour factor, average speed)."""
    from django.conf import settings

    return StraightLineModel(
        detour_factor=settings.MESH_DETOUR_FACTOR, speed_kmh=settings.MESH_SPEED_KMH
    )


# --- Which commune did the visitor mean? ---------------------------------------------------


@dataclass(frozen=True)
class CommuneChoice:
    """The outcome of resolving typed text: one commune, several candidates, or nothing."""

    query: str
    commune: Commune | None = None
    candidates: list[Commune] = field(default_factory=list)

    @property
    def is_ambiguous(self) -> bool:
        return self.commune is None and len(self.candidates) > 1

    @property
    def is_unknown(self) -> bool:
        return self.commune is None and not self.candidates


def commune_resolve(*, query: str, code: str = "") -> CommuneChoice:
    """The commune meant by ``code`` (picked from suggestions) or by the text ``query``.

    A name, an INSEE code or a postcode that matches one commune resolves to it; so does a name
    that equals exactly one commune's name (accents and case ignored: "pau" is Pau, not
    Pauillac). Otherwise the matching communes are candidates to choose from.
    """
    query = query.strip()
    if code:
        chosen = Commune.objects.filter(code=code.strip()).first()
        # The code was picked for a text: if the visitor typed something else since, the
        # text wins (the hidden code stays in the form when JavaScript is off).
        if chosen is not None and (
            not query
            or normalize(query) == normalize(chosen.name)
            or query in (chosen.code, *chosen.postal_codes)
        ):
            return CommuneChoice(query=query or chosen.name, commune=chosen)
    if not query:
        return CommuneChoice(query="")
    found = commune_search(query=query, limit=50)
    if len(found) == 1:
        return CommuneChoice(query=query, commune=found[0])
    wanted = normalize(query)
    exact = [c for c in found if normalize(c.name) == wanted]
    if len(exact) == 1:
        return CommuneChoice(query=query, commune=exact[0])
    candidates = exact or found
    return CommuneChoice(query=query, candidates=candidates[:CANDIDATE_LIMIT])


# --- Places near a commune -----------------------------------------------------------------


@dataclass(frozen=True)
class NearbyPlace:
    place: Place
    minutes: float
    """Estimated travel time from the origin, minutes."""
    distance_km: float
    """Great-circle distance from the origin, kilometres."""

    @property
    def minutes_rounded(self) -> int:
        """Minutes rounded up, so that a place shown "20 min" is within 20 minutes."""
        return math.ceil(self.minutes)


@dataclass(frozen=True)
class NearbyResults:
    origin: Commune
    threshold_minutes: int
    within: list[NearbyPlace]
    """Places within the threshold, nearest first (all of them)."""
    further: list[NearbyPlace]
    """The nearest places beyond the threshold (at most ``FURTHER_LIMIT``)."""
    further_total: int
    model: TravelTimeModel


def _places_arrays(places: QuerySet[Place]) -> tuple[list[Place], np.ndarray, np.ndarray]:
    rows = list(places)
    lon = np.array([p.lon for p in rows], dtype=np.float64)
    lat = np.array([p.lat for p in rows], dtype=np.float64)
    return rows, lon, lat


def places_near(
    *,
    commune: Commune,
    threshold_minutes: int = DEFAULT_THRESHOLD_MINUTES,
    model: TravelTimeModel | None = None,
    on: datetime.date | None = None,
) -> NearbyResults:
    """Published places open on ``on`` (today), by estimated travel time from ``commune``'s
    point (its town hall), split at ``threshold_minutes``."""
    model = model or default_travel_model()
    places = place_open_published(on=on).select_related("commune", "commune__departement")
    rows, lon, lat = _places_arrays(places.order_by("pk"))
    minutes = model.minutes_matrix([commune.lon], [commune.lat], lon, lat)[0]
    distance_km = haversine_km(commune.lon, commune.lat, lon, lat)
    order = np.lexsort((distance_km, minutes))
    ranked = [
        NearbyPlace(place=rows[i], minutes=float(minutes[i]), distance_km=float(distance_km[i]))
        for i in order
    ]
    within = [r for r in ranked if r.minutes <= threshold_minutes]
    further = ranked[len(within) :]
    return NearbyResults(
        origin=commune,
        threshold_minutes=threshold_minutes,
        within=within,
        further=further[:FURTHER_LIMIT],
        further_total=len(further),
        model=model,
    )


# --- GeoJSON for the map -------------------------------------------------------------------


def places_geojson(places: QuerySet[Place]) -> dict[str, Any]:
    """A FeatureCollection of ``places`` (already filtered for the user) for the map."""
    features = [
        {
            "type": "Feature",
            "id": place.pk,
            "geometry": {
                "type": "Point",
                "coordinates": [round(place.lon, 5), round(place.lat, 5)],
            },
            "properties": {
                "id": place.pk,
                "name": place.name,
                "kinds": place.get_kinds_display(),
                "state": place.state,
                "state_label": str(place.get_state_display()),
                "commune": place.commune.name,
                "departement": place.commune.departement_id,
                "published": place.is_published,
                "url": reverse("places:place_detail", args=[place.pk]),
            },
        }
        for place in places
    ]
    return {"type": "FeatureCollection", "features": features}


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
    key = f"places:outlines:v1:{level}:{departement}"
    return cache.get_or_set(
        key, lambda: _build_outlines(level, departement), timeout=OUTLINE_CACHE_SECONDS
    )
