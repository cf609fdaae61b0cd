"""Probable duplicates: the same or a similar name close by.

Pairs are found in O(n log n + k): the points go into a k-d tree on the unit sphere (3-D unit
vectors, so the chord length bounds the great-circle distance without any projection), the
tree returns the pairs closer than the distance, and only those pairs have their names
compared. ``probable_duplicates_all_pairs`` keeps the plain all-pairs scan as the reference the
tests and the benchmark compare with.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np
from rapidfuzz import fuzz
from scipy.spatial import cKDTree

from tierslieux.core.text import normalize
from tierslieux.territory.analytics.travel import EARTH_RADIUS_KM, haversine_km

MAX_REPORTED_PAIRS = 2_000
"""A report lists at most this many pairs: past that, the file needs cleaning, not a list."""


@dataclass(frozen=True)
class NamedPoint:
    label: str
    """How the place is named in a report (file line, or existing place and its id)."""
    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class DuplicatePair:
    first: NamedPoint
    second: NamedPoint
    distance_km: float
    similarity: float

    def __str__(self) -> str:
        return (
            f"{self.first.label} « {self.first.name} » et {self.second.label} "
            f"« {self.second.name} » : noms semblables ({self.similarity:.0%}) "
            f"à {self.distance_km:.2f} km"
        )


def _distance_km(a: NamedPoint, b: NamedPoint) -> float:
    return float(haversine_km(a.lon, a.lat, b.lon, b.lat))


def name_similarity(a: str, b: str) -> float:
    """1.0 for the same name (accents, case, punctuation ignored) or one inside the other."""
    return _normalized_similarity(normalize(a), normalize(b))


def _normalized_similarity(na: str, nb: str, at_least: float = 0.0) -> float:
    """The similarity of two normalised names (difflib's ratio); 0.0 as soon as it is known
    to be under ``at_least``."""
    if not na or not nb:
        return 0.0
    if na == nb or (min(len(na), len(nb)) >= 5 and (na in nb or nb in na)):
        return 1.0
    # rapidfuzz's ratio is 2·LCS/(|a|+|b|) (indel similarity), and difflib's matching blocks
    # form a common subsequence, so it bounds difflib's ratio from above, at a fraction of
    # its cost: only the pairs that pass it get the exact (and reported) difflib ratio.
    if at_least > 0 and fuzz.ratio(na, nb) / 100.0 < at_least:
        return 0.0
    return SequenceMatcher(None, na, nb).ratio()


def _unit_vectors(points: Sequence[NamedPoint]) -> np.ndarray:
    lon = np.radians(np.fromiter((p.lon for p in points), dtype=np.float64, count=len(points)))
    lat = np.radians(np.fromiter((p.lat for p in points), dtype=np.float64, count=len(points)))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def _chord(distance_km: float) -> float:
    """The straight-line distance between two points of the unit sphere ``distance_km`` apart
    along the surface (slightly enlarged so that rounding never drops a pair at the limit)."""
    return 2.0 * math.sin(min(distance_km / EARTH_RADIUS_KM, math.pi) / 2.0) * (1 + 1e-9)


def probable_duplicates(
    new: Sequence[NamedPoint],
    existing: Sequence[NamedPoint] = (),
    *,
    max_distance_km: float = 1.0,
    min_similarity: float = 0.85,
    max_pairs: int = MAX_REPORTED_PAIRS,
) -> list[DuplicatePair]:
    """Pairs among ``new``, and between ``new`` and ``existing``, that look like one place.

    The same pairs as ``probable_duplicates_all_pairs`` (ordered by the position of their
    first point, then of the second), at most ``max_pairs`` of them.
    """
    if not new:
        return []
    chord = _chord(max_distance_km)
    new_tree = cKDTree(_unit_vectors(new))
    candidates: list[tuple[int, int]] = [
        (int(i), int(j)) for i, j in new_tree.query_pairs(chord, output_type="ndarray")
    ]
    offset = len(new)
    if existing:
        existing_tree = cKDTree(_unit_vectors(existing))
        for i, neighbours in enumerate(new_tree.query_ball_tree(existing_tree, chord)):
            candidates.extend((i, offset + j) for j in neighbours)
    if not candidates:
        return []
    candidates.sort()
    everything = [*new, *existing]
    index = np.asarray(candidates, dtype=np.intp)
    lon = np.fromiter((p.lon for p in everything), dtype=np.float64, count=len(everything))
    lat = np.fromiter((p.lat for p in everything), dtype=np.float64, count=len(everything))
    distances = haversine_km(lon[index[:, 0]], lat[index[:, 0]], lon[index[:, 1]], lat[index[:, 1]])
    names: dict[int, str] = {}
    similarities: dict[tuple[str, str], float] = {}

    def norm(position: int) -> str:
        if position not in names:
            names[position] = normalize(everything[position].name)
        return names[position]

    pairs = []
    for (i, j), distance in zip(candidates, distances.tolist(), strict=True):
        if distance > max_distance_km:
            continue
        key = (norm(i), norm(j))
        if key not in similarities:
            similarities[key] = _normalized_similarity(*key, at_least=min_similarity)
        similarity = similarities[key]
        if similarity >= min_similarity:
            pairs.append(DuplicatePair(everything[i], everything[j], distance, similarity))
            if len(pairs) >= max_pairs:
                break
    return pairs


def probable_duplicates_all_pairs(
    new: Sequence[NamedPoint],
    existing: Sequence[NamedPoint] = (),
    *,
    max_distance_km: float = 1.0,
    min_similarity: float = 0.85,
) -> list[DuplicatePair]:
    """The reference all-pairs scan, O(n²): for tests and the benchmark only."""
    pairs = []
    for i, a in enumerate(new):
        for b in [*new[i + 1 :], *existing]:
            distance = _distance_km(a, b)
            if distance > max_distance_km:
                continue
            similarity = name_similarity(a.name, b.name)
            if similarity >= min_similarity:
                pairs.append(DuplicatePair(a, b, distance, similarity))
    return pairs
