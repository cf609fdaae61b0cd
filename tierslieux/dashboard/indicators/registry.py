"""Every indicator, in the order the pages, files and snapshots list them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tierslieux.dashboard.indicators import coverage, facilitators, funding, places, survey
from tierslieux.dashboard.indicators.codes import Definition
from tierslieux.dashboard.indicators.results import Indicator
from tierslieux.dashboard.indicators.scope import Scope


@dataclass(frozen=True)
class Entry:
    definition: Definition
    compute: Callable[[Scope], Indicator | None]
    """The pure function; None means no row (the coverage when it was not computed)."""
    counts_open_places: bool
    """Rests on the places open on the date: unknown before the directory is complete."""

    @property
    def code(self) -> str:
        return self.definition.code


INDICATORS: tuple[Entry, ...] = (
    Entry(places.OPEN_PLACES, places.open_places, True),
    Entry(places.INHABITANTS_PER_PLACE, places.inhabitants_per_place, True),
    Entry(places.NATIONAL_INHABITANTS_PER_PLACE, places.national_inhabitants_per_place, False),
    Entry(places.DENSITY_RATIO, places.density_ratio, True),
    Entry(places.RURAL_SHARE, places.rural_share, True),
    Entry(funding.SURVIVAL_RATE, funding.survival_rate, False),
    Entry(survey.SERVICES_SHARE, survey.services_share, True),
    Entry(survey.UNSURE_SHARE, survey.unsure_share, False),
    Entry(funding.COMMITTED, funding.committed, False),
    Entry(funding.PAID, funding.paid, False),
    Entry(coverage.COVERAGE_SHARE, coverage.coverage_share, True),
    Entry(places.PLACES_TARGET_PROGRESS, places.places_target_progress, True),
    Entry(facilitators.CERTIFIED_FACILITATORS, facilitators.certified_facilitators, False),
)

DEFINITIONS: dict[str, Definition] = {e.code: e.definition for e in INDICATORS}

PLACE_COUNT_CODES = frozenset(e.code for e in INDICATORS if e.counts_open_places)
"""Indicators that count the places open on the date (unknown before the directory is)."""
