"""Adapters of the public map and of "near me": querysets in, arrays to analytics, results out.

- ``commune_resolve``: what a visitor typed (a name, a postcode) -> one commune or candidates;
- ``places_near``: published, open places sorted by estimated travel time from a commune
  (``territory.analytics.travel``);

The map's places are ``places.mapdata``, the outlines under it
``territory.selectors.outlines_geojson``.
"""

import datetime
import math
from dataclasses import dataclass, field

import numpy as np
from django.db.models import QuerySet

from tierslieux.core.text import normalize
from tierslieux.places.models import Place
from tierslieux.places.selectors import place_open_published
from tierslieux.territory.analytics.travel import (
    StraightLineModel,
    TravelTimeModel,
    haversine_km,
)
from tierslieux.territory.models import Commune
from tierslieux.territory.selectors import commune_search

DEFAULT_THRESHOLD_MINUTES = 20
FURTHER_LIMIT = 10
"""How many places beyond the threshold the "near me" page lists."""
CANDIDATE_LIMIT = 20


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
