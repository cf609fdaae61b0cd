"""Coverage: the inhabitants within the travel-time threshold of an open place.

The coverage itself (population grid, travel-time model) is computed by ``reader`` for a set of
open places and handed to the scope as (inhabitants, covered) per département; the indicator is
a pure function of it.
"""

from __future__ import annotations

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from tierslieux.dashboard.indicators.codes import Code, Definition, Unit
from tierslieux.dashboard.indicators.results import Indicator
from tierslieux.dashboard.indicators.scope import Scope

COVERAGE_SHARE = Definition(
    Code.COVERAGE_SHARE,
    _("Inhabitants within 20 minutes of a tiers-lieu"),
    Unit.SHARE,
    _(
        "Share of the inhabitants of the territory (1 km population grid, census 2021) "
        "within the travel-time threshold of an open tiers-lieu (any, even across the "
        "border of the département), under the mesh's travel-time model (by default a "
        "straight line lengthened by 1.3 at 60 km/h)."
    ),
)


def coverage_of(
    coverage: dict[str, tuple[float, float]], departement: str | None
) -> tuple[float, float]:
    """(inhabitants, covered) of the territory from the figures per département."""
    if departement is not None:
        return coverage.get(departement, (0.0, 0.0))
    pops = [v[0] for v in coverage.values()]
    covered = [v[1] for v in coverage.values()]
    return float(sum(pops)), float(sum(covered))


def coverage_share(s: Scope) -> Indicator | None:
    """None (no row) when the coverage was not computed."""
    if s.coverage is None:
        return None
    pop, covered = coverage_of(s.coverage, s.departement)
    return s.row(
        COVERAGE_SHARE,
        covered / pop if pop else None,
        numerator=round(covered),
        denominator=round(pop),
        data_date=s.coverage_date,
        note=str(
            gettext_now("%(minutes)s minutes") % {"minutes": f"{s.params.threshold_minutes:g}"}
        ),
    )
