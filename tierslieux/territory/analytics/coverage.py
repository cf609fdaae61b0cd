"""Coverage indicators: who lives within a travel-time threshold of a place.

Demand is a set of points with a population weight (1 km grid cells or commune points), each
tagged with its commune; a ``TravelTimeModel`` gives the minutes from each point to its nearest
place. Everything else here is array arithmetic.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tierslieux.territory.analytics.indicators import rural_mask
from tierslieux.territory.analytics.travel import TravelTimeModel

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CoverageResult:
    """Travel time to the nearest place for every demand point, and who is within the threshold."""

    threshold_minutes: float
    minutes: FloatArray
    """Minutes from each demand point to its nearest place (``inf`` when none is reachable)."""
    nearest: npt.NDArray[np.intp]
    """Index of that place (-1 when none)."""
    weight: FloatArray
    """Inhabitants of each demand point."""

    @property
    def covered(self) -> npt.NDArray[np.bool_]:
        """Demand points within the threshold (inclusive)."""
        return self.minutes <= self.threshold_minutes

    @property
    def population(self) -> float:
        return float(self.weight.sum())

    @property
    def population_covered(self) -> float:
        return float(self.weight[self.covered].sum())

    @property
    def share_covered(self) -> float:
        """Share (0..1) of the inhabitants within the threshold; 0 when there is nobody."""
        total = self.population
        return self.population_covered / total if total > 0 else 0.0


def coverage(
    model: TravelTimeModel,
    demand_lon: npt.ArrayLike,
    demand_lat: npt.ArrayLike,
    demand_weight: npt.ArrayLike,
    place_lon: npt.ArrayLike,
    place_lat: npt.ArrayLike,
    *,
    threshold_minutes: float = 20.0,
) -> CoverageResult:
    """Minutes from every demand point to its nearest place, under ``model``.

    Parameters
    ----------
    model : TravelTimeModel
        Straight-line or road model.
    demand_lon, demand_lat : array_like, shape (n,)
        Demand points, degrees (WGS84).
    demand_weight : array_like, shape (n,)
        Inhabitants of each point (>= 0).
    place_lon, place_lat : array_like, shape (m,)
        Places, degrees (WGS84). May be empty: then nobody is covered.
    threshold_minutes : float
        The travel-time threshold, minutes (> 0).
    """
    if not threshold_minutes > 0:
        raise ValueError(f"threshold_minutes must be positive, got {threshold_minutes}")
    weight = np.asarray(demand_weight, dtype=np.float64)
    if np.any(weight < 0):
        raise ValueError("demand weights must be non-negative")
    nearest = model.minutes_to_nearest(demand_lon, demand_lat, place_lon, place_lat)
    if nearest.minutes.shape != weight.shape:
        raise ValueError("demand coordinates and weights differ in length")
    return CoverageResult(
        threshold_minutes=float(threshold_minutes),
        minutes=np.asarray(nearest.minutes, dtype=np.float64),
        nearest=np.asarray(nearest.index, dtype=np.intp),
        weight=weight,
    )


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage per group (département, EPCI, commune, rural/urban), sorted by key."""

    keys: npt.NDArray[np.str_]
    population: FloatArray
    population_covered: FloatArray
    mean_minutes: FloatArray
    """Population-weighted mean of the finite times to the nearest place (nan if none)."""

    @property
    def share_covered(self) -> FloatArray:
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.population_covered / self.population
        return np.nan_to_num(share, nan=0.0)


def coverage_by_group(result: CoverageResult, keys: npt.ArrayLike) -> GroupCoverage:
    """Sum inhabitants and covered inhabitants per group key, in one vectorised pass."""
    k = np.asarray(keys).astype(np.str_)
    if k.shape != result.weight.shape:
        raise ValueError("keys and demand differ in length")
    unique, inverse = np.unique(k, return_inverse=True)
    n = len(unique)
    population = np.bincount(inverse, weights=result.weight, minlength=n)
    covered = np.bincount(
        inverse, weights=np.where(result.covered, result.weight, 0.0), minlength=n
    )
    finite = np.isfinite(result.minutes)
    w_finite = np.where(finite, result.weight, 0.0)
    weighted = np.bincount(
        inverse, weights=np.where(finite, result.minutes, 0.0) * w_finite, minlength=n
    )
    w_sum = np.bincount(inverse, weights=w_finite, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = weighted / w_sum
    return GroupCoverage(
        keys=unique, population=population, population_covered=covered, mean_minutes=mean
    )


def rural_urban_coverage(result: CoverageResult, density_level: npt.ArrayLike) -> GroupCoverage:
    """Coverage of rural (INSEE levels 5-7) and urban (1-4) demand: keys "rural", "urban"."""
    labels = np.where(rural_mask(np.asarray(density_level)), "rural", "urban")
    return coverage_by_group(result, labels)


@dataclass(frozen=True)
class WhiteZones:
    """Communes whose inhabitants are mostly beyond the threshold, most populated first."""

    codes: npt.NDArray[np.str_]
    population: FloatArray
    population_uncovered: FloatArray
    share_covered: FloatArray


def white_zones(groups: GroupCoverage, *, max_share_covered: float = 0.5) -> WhiteZones:
    """Groups (communes) where less than ``max_share_covered`` of the inhabitants are covered.

    Sorted by inhabitants beyond the threshold, descending (ties by key). Groups without
    inhabitants are left out.
    """
    share = groups.share_covered
    keep = (groups.population > 0) & (share < max_share_covered)
    uncovered = groups.population - groups.population_covered
    idx = np.flatnonzero(keep)
    order = idx[np.lexsort((groups.keys[idx], -uncovered[idx]))]
    return WhiteZones(
        codes=groups.keys[order],
        population=groups.population[order],
        population_uncovered=uncovered[order],
        share_covered=share[order],
    )


@dataclass(frozen=True)
class PlaceDensity:
    """Inhabitants per place, here and in a reference territory (national figure)."""

    population: float
    places: int
    reference_population: float
    reference_places: int

    @property
    def inhabitants_per_place(self) -> float:
        return self.population / self.places if self.places else float("inf")

    @property
    def reference_inhabitants_per_place(self) -> float:
        return self.reference_population / self.reference_places

    @property
    def ratio_to_reference(self) -> float:
        """Places per inhabitant here over the reference's (> 1: denser network than reference)."""
        return self.reference_inhabitants_per_place / self.inhabitants_per_place


def progress(current: float, target: float) -> float:
    """Share (0..1, capped) of a target reached."""
    if target <= 0:
        raise ValueError("target must be positive")
    return float(min(max(current / target, 0.0), 1.0))
