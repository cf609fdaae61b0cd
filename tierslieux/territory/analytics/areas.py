"""Coverage computed once, then summed by area (région, département): the national view.

The rule (docs/adr/0031-coverage-across-borders.md): a place serves the inhabitants within reach
on both sides of a regional border. So coverage is decided ONCE for every demand point against
every place (whatever the place's region), and only then are the points summed by the area they
lie in. An area's figures therefore count every place within reach of its inhabitants, and the
areas add up exactly to the whole (no point is counted twice, none is lost at a border).

Pure numpy / scipy: no Django import (checked by import-linter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tierslieux.territory.analytics.travel import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_KMH,
    FloatArray,
    TravelTimeModel,
)
from tierslieux.territory.analytics.within import straight_line_covered

BoolArray = npt.NDArray[np.bool_]

PER_INHABITANTS: int = 100_000
"""Places are counted per this many inhabitants (``places_per_100k``)."""


def covered_points(
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    place_lon: npt.ArrayLike,
    place_lat: npt.ArrayLike,
    *,
    minutes: float,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    model: TravelTimeModel | None = None,
) -> BoolArray:
    """Demand points with some place within ``minutes`` (inclusive), all places considered.

    Parameters
    ----------
    demand_lon, demand_lat : array_like, shape (n,)
        Demand points (1 km cells, town halls), degrees (WGS84).
    place_lon, place_lat : array_like, shape (m,)
        Every loaded place, degrees (WGS84), whatever its region.
    minutes : float
        Travel-time threshold, minutes (> 0).
    detour_factor, speed_kmh : float
        The straight-line model (road distance over great-circle distance; km/h).
    model : TravelTimeModel, optional
        Another model (the road network): then each point's nearest place is asked of it.
        None: the straight-line model, decided exactly and without finding the nearest place
        (``within.straight_line_covered``: O(n) away from the limit).

    Returns
    -------
    numpy.ndarray of bool, shape (n,)
    """
    if not minutes > 0:
        raise ValueError(f"minutes must be positive, got {minutes!r}")
    if model is None:
        return straight_line_covered(
            demand_lon,
            demand_lat,
            place_lon,
            place_lat,
            minutes=minutes,
            detour_factor=detour_factor,
            speed_kmh=speed_kmh,
        )
    nearest = model.minutes_to_nearest(demand_lon, demand_lat, place_lon, place_lat)
    return np.asarray(nearest.minutes, dtype=np.float64) <= minutes


@dataclass(frozen=True)
class AreaTotals:
    """Inhabitants and inhabitants within the threshold per area, sorted by key."""

    keys: npt.NDArray[np.str_]
    population: FloatArray
    population_covered: FloatArray

    @property
    def population_beyond(self) -> FloatArray:
        """Inhabitants beyond the threshold (the white-zone population), per area."""
        return self.population - self.population_covered

    @property
    def share_covered(self) -> FloatArray:
        """Share (0..1) within the threshold; 0 for an area without inhabitants."""
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.population_covered / self.population
        return np.nan_to_num(share, nan=0.0)

    def as_dict(self) -> dict[str, tuple[float, float]]:
        """{key: (population, population_covered)}."""
        return {
            str(k): (float(p), float(c))
            for k, p, c in zip(self.keys, self.population, self.population_covered, strict=True)
        }


def totals_by_area(
    weight: npt.ArrayLike, covered: npt.ArrayLike, area: npt.ArrayLike
) -> AreaTotals:
    """Sum the inhabitants and the covered inhabitants of the points of each area.

    Parameters
    ----------
    weight : array_like, shape (n,)
        Inhabitants of each demand point (>= 0).
    covered : array_like of bool, shape (n,)
        Points within the threshold (``covered_points``, computed once on the whole demand).
    area : array_like of str, shape (n,)
        The area (région or département code) each point lies in.
    """
    w = np.asarray(weight, dtype=np.float64)
    c = np.asarray(covered, dtype=np.bool_)
    a = np.asarray(area).astype(np.str_)
    if not (w.shape == c.shape == a.shape) or w.ndim != 1:
        raise ValueError("weight, covered and area must be 1-D arrays of the same length")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    keys, inverse = np.unique(a, return_inverse=True)
    n = len(keys)
    return AreaTotals(
        keys=keys,
        population=np.bincount(inverse, weights=w, minlength=n),
        population_covered=np.bincount(inverse, weights=np.where(c, w, 0.0), minlength=n),
    )


def inhabitants_per_place(population: float, places: int) -> float | None:
    """Inhabitants divided by places; None when there is no place."""
    return float(population) / places if places > 0 else None


def places_per_100k(places: int, population: float) -> float | None:
    """Places per 100,000 inhabitants; None when there is nobody."""
    return places * PER_INHABITANTS / float(population) if population > 0 else None
