"""Adapters of the public map and of "near me": querysets in, arrays to analytics, results out.

- ``commune_resolve``: what a visitor typed (a name, a postcode) -> one commune or candidates;
- ``places_near``: published, open places sorted by estimated travel time from a commune
  (``territory.analytics.travel``);

The map's places are ``places.mapdata``, the outlines under it
``territory.selectors.outlines_geojson``.
"""

import datetime
import math
from dataclasses import dataclass

import numpy as np
from django.db.models import QuerySet

from tierslieux.places.models import Place
from tierslieux.places.selectors import place_open_published
from tierslieux.territory.analytics.travel import (
    StraightLineModel,
    TravelTimeModel,
    haversine_km,
)
from tierslieux.territory.models import Commune
from tierslieux.territory.selectors import CommuneChoice, commune_resolve

__all__ = ["CommuneChoice", "commune_resolve"]

DEFAULT_THRESHOLD_MINUTES = 20
FURTHER_LIMIT = 10
"""How many places beyond the threshold the "near me" page lists."""


def default_travel_model() -> StraightLineModel:
    """The straight-line model with the mesh's settings (detour factor, average speed)."""
    from django.conf import settings

    return StraightLineModel(
        detour_factor=settings.MESH_DETOUR_FACTOR, speed_kmh=settings.MESH_SPEED_KMH
    )


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


def _places_arrays(places: QuerySet[Place]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Ids and points of ``places``: three columns, no model instance (3,500 places nationally:
    building an instance, with its commune, for each cost a second a request)."""
    rows = list(places.values_list("pk", "lon", "lat"))
    ids = [pk for pk, _lon, _lat in rows]
    lon = np.array([row[1] for row in rows], dtype=np.float64)
    lat = np.array([row[2] for row in rows], dtype=np.float64)
    return ids, lon, lat


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
    places = place_open_published(on=on)
    ids, lon, lat = _places_arrays(places.order_by("pk"))
    minutes = model.minutes_matrix([commune.lon], [commune.lat], lon, lat)[0]
    distance_km = haversine_km(commune.lon, commune.lat, lon, lat)
    order = np.lexsort((distance_km, minutes))
    within_count = int((minutes <= threshold_minutes).sum())
    shown = order[: within_count + FURTHER_LIMIT]
    # Only the places listed become instances, with their commune but not its outline.
    by_pk = (
        places.select_related("commune", "commune__departement")
        .defer("commune__geometry")
        .in_bulk([ids[i] for i in shown])
    )
    ranked = [
        NearbyPlace(
            place=by_pk[ids[i]], minutes=float(minutes[i]), distance_km=float(distance_km[i])
        )
        for i in shown
    ]
    return NearbyResults(
        origin=commune,
        threshold_minutes=threshold_minutes,
        within=ranked[:within_count],
        further=ranked[within_count:],
        further_total=len(ids) - within_count,
        model=model,
    )
