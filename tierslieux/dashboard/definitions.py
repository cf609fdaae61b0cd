"""The evaluation indicators: codes, labels, units, definitions and the Région's published figures.

The definitions are shown beside every figure on the dashboard and in the yearly report, so
that a reader knows exactly what was counted. Values are computed in ``selectors.py``.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


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


@dataclass(frozen=True)
class Definition:
    code: str
    label: Promise | str
    unit: str
    definition: Promise | str
    published: float | None = None
    """The figure the Région published for the region (ten-year evaluation), to compare with."""


DEFINITIONS: dict[str, Definition] = {
    d.code: d
    for d in (
        Definition(
            Code.OPEN_PLACES,
            _("Open tiers-lieux"),
            Unit.COUNT,
            _(
                "Tiers-lieux of the directory open on the date: published places (and demo "
                "places when demo data is shown), opened on or before the date and not closed "
                "on it; places in project are not counted. A place whose opening date is "
                "unknown counts from the date of its source (the 2019 census: 13 June 2019)."
            ),
        ),
        Definition(
            Code.INHABITANTS_PER_PLACE,
            _("Inhabitants per tiers-lieu"),
            Unit.INHABITANTS,
            _(
                "Municipal population of the communes of the territory divided by the number of "
                "open tiers-lieux in it."
            ),
            published=18_000,
        ),
        Definition(
            Code.NATIONAL_INHABITANTS_PER_PLACE,
            _("Inhabitants per tiers-lieu, national"),
            Unit.INHABITANTS,
            _(
                "The national population divided by the number of tiers-lieux in France "
                "(reference figures of the settings NATIONAL_POPULATION and NATIONAL_PLACES)."
            ),
        ),
        Definition(
            Code.DENSITY_RATIO,
            _("Density of tiers-lieux against the national average"),
            Unit.RATIO,
            _(
                "National inhabitants per tiers-lieu divided by the territory's: 2 means twice "
                "as many tiers-lieux per inhabitant as in France."
            ),
            published=2.0,
        ),
        Definition(
            Code.RURAL_SHARE,
            _("Share of tiers-lieux in rural communes"),
            Unit.SHARE,
            _(
                "Open tiers-lieux located in a rural commune (INSEE density levels 5, 6 and 7) "
                "divided by all open tiers-lieux of the territory."
            ),
            published=0.52,
        ),
        Definition(
            Code.SURVIVAL_RATE,
            _("Funded tiers-lieux still open"),
            Unit.SHARE,
            _(
                "Among the tiers-lieux whose first grant (an accepted decision on an "
                "application naming the place) is at least N years before the date, the share "
                "still open on the date. Applications that name no place (a creation not yet "
                "linked to the directory) are not counted."
            ),
            published=0.90,
        ),
        Definition(
            Code.SERVICES_SHARE,
            _("Share offering services beyond the workspace"),
            Unit.SHARE,
            _(
                "Among the open tiers-lieux whose services are known, the share offering at "
                "least one service beyond the workspace. Services are those the place declared "
                "in the latest survey on or before the date, else those of its directory entry; "
                "places with neither are left out."
            ),
            published=0.98,
        ),
        Definition(
            Code.UNSURE_SHARE,
            _("Share unsure of their business model"),
            Unit.SHARE,
            _(
                "Answers of the latest survey of places on or before the date (received by "
                "then) saying they are unsure or very unsure of their business model, divided "
                "by all answers of that survey in the territory."
            ),
            published=0.60,
        ),
        Definition(
            Code.COMMITTED,
            _("Amounts committed"),
            Unit.CENTS,
            _(
                "Grants committed from the first year chosen to the date: amounts granted by "
                "the committee on the calls (by year of the committee), plus the other grants "
                "such as the yearly support to the regional network (by budget year). Per "
                "département, only the calls count (by the commune of the project); the other "
                "grants are regional."
            ),
            published=960_000_000,
        ),
        Definition(
            Code.PAID,
            _("Amounts paid"),
            Unit.CENTS,
            _(
                "Payments made from the first year chosen to the date: tranches of the "
                "conventions paid (by payment date) and the other grants paid (by payment "
                "date). Per département, only the tranches count."
            ),
        ),
        Definition(
            Code.COVERAGE_SHARE,
            _("Inhabitants within 20 minutes of a tiers-lieu"),
            Unit.SHARE,
            _(
                "Share of the inhabitants of the territory (1 km population grid, census 2021) "
                "within the travel-time threshold of an open tiers-lieu (any, even across the "
                "border of the département), under the mesh's travel-time model (by default a "
                "straight line lengthened by 1.3 at 60 km/h)."
            ),
        ),
        Definition(
            Code.PLACES_TARGET_PROGRESS,
            _("Progress toward the target number of tiers-lieux"),
            Unit.SHARE,
            _(
                "Open tiers-lieux of the region divided by the policy's target (setting "
                "MESH_TARGET_PLACES, 300 by default), capped at 100 %. The target is regional: "
                "there is none per département. No target is set for the coverage itself."
            ),
        ),
    )
}
