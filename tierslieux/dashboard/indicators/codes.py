"""Codes, units and the definition type of the evaluation indicators (no Django model)."""

from dataclasses import dataclass

from django.utils.functional import Promise


class Unit:
    """How a value reads: a count, inhabitants, a share (0..1), a ratio, or money in cents."""

    COUNT = "count"
    INHABITANTS = "inhabitants"
    SHARE = "share"
    RATIO = "ratio"
    CENTS = "cents"


class Code:
    """Stable codes of the indicators (used by pages, charts, files and tests)."""

    OPEN_PLACES = "open_places"
    INHABITANTS_PER_PLACE = "inhabitants_per_place"
    NATIONAL_INHABITANTS_PER_PLACE = "national_inhabitants_per_place"
    DENSITY_RATIO = "density_ratio"
    RURAL_SHARE = "rural_share"
    SURVIVAL_RATE = "survival_rate"
    SERVICES_SHARE = "services_share"
    UNSURE_SHARE = "unsure_share"
    COMMITTED = "committed"
    PAID = "paid"
    COVERAGE_SHARE = "coverage_share"
    PLACES_TARGET_PROGRESS = "places_target_progress"
    CERTIFIED_FACILITATORS = "certified_facilitators"


@dataclass(frozen=True)
class Definition:
    code: str
    label: Promise | str
    unit: str
    definition: Promise | str
    published: float | None = None
    """The figure the Région published for the region (ten-year evaluation), to compare with."""
