"""Population indicators over communes or grid cells."""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

RURAL_DENSITY_LEVELS = np.array([5, 6, 7])


@dataclass(frozen=True)
class GroupTotals:
    """Population totals per group (département, EPCI...), sorted by group key."""

    keys: npt.NDArray[np.str_]
    population: npt.NDArray[np.int64]
    rural_population: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]

    @property
    def rural_share(self) -> npt.NDArray[np.float64]:
        """Rural share of each group's population (0..1; 0 for an empty group)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            share = self.rural_population / self.population
        return np.nan_to_num(share, nan=0.0)


def rural_mask(density_level: npt.NDArray[np.integer]) -> npt.NDArray[np.bool_]:
    """True where the INSEE density level is rural (5, 6 or 7)."""
    return np.isin(density_level, RURAL_DENSITY_LEVELS)


def weighted_share(weights: npt.ArrayLike, mask: npt.ArrayLike) -> float:
    """Share (0..1) of the total of ``weights`` carried by the entries where ``mask`` is true.

    Returns 0.0 when the total is zero.
    """
    w = np.asarray(weights, dtype=np.float64)
    m = np.asarray(mask, dtype=bool)
    if w.shape != m.shape:
        raise ValueError(f"weights {w.shape} and mask {m.shape} differ in shape")
    total = w.sum()
    return float(w[m].sum() / total) if total > 0 else 0.0


def totals_by_group(
    keys: npt.ArrayLike, population: npt.ArrayLike, density_level: npt.ArrayLike
) -> GroupTotals:
    """Sum population and rural population per group key, in one vectorised pass."""
    k = np.asarray(keys).astype(np.str_)
    pop = np.asarray(population, dtype=np.int64)
    rural = np.where(rural_mask(np.asarray(density_level)), pop, 0)
    unique, inverse = np.unique(k, return_inverse=True)
    return GroupTotals(
        keys=unique,
        population=np.bincount(inverse, weights=pop, minlength=len(unique)).astype(np.int64),
        rural_population=np.bincount(inverse, weights=rural, minlength=len(unique)).astype(
            np.int64
        ),
        count=np.bincount(inverse, minlength=len(unique)).astype(np.int64),
    )
