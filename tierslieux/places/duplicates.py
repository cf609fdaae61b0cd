"""Probable duplicates: the same or a similar name close by."""

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from tierslieux.core.text import normalize
from tierslieux.territory.analytics.travel import haversine_km


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
    na, nb = normalize(a), normalize(b)
    if not na or not nb:
        return 0.0
    if na == nb or (min(len(na), len(nb)) >= 5 and (na in nb or nb in na)):
        return 1.0
    return SequenceMatcher(None, na, nb).ratio()


def probable_duplicates(
    new: Sequence[NamedPoint],
    existing: Sequence[NamedPoint] = (),
    *,
    max_distance_km: float = 1.0,
    min_similarity: float = 0.85,
) -> list[DuplicatePair]:
    """Pairs among ``new``, and between ``new`` and ``existing``, that look like one place."""
    pairs = []
    for i, a in enumerate(new):
        for b in [*new[i + 1 :], *existing]:
            if abs(a.lat - b.lat) > max_distance_km / 100:  # cheap pre-filter (~1.1 km/0.01°)
                continue
            distance = _distance_km(a, b)
            if distance > max_distance_km:
                continue
            similarity = name_similarity(a.name, b.name)
            if similarity >= min_similarity:
                pairs.append(DuplicatePair(a, b, distance, similarity))
    return pairs
