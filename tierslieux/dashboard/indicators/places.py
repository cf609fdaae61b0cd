"""The open places and what follows from them: count, inhabitants per place (and the national
figure), density against France, rural share, progress toward the target number of places.

Each indicator is a ``Definition`` and a pure function of a ``Scope``.
"""

from django.utils.translation import gettext_lazy as _

from tierslieux.dashboard.indicators.codes import Code, Definition, Unit
from tierslieux.dashboard.indicators.data import RURAL_DENSITY_LEVELS, share
from tierslieux.dashboard.indicators.results import Indicator
from tierslieux.dashboard.indicators.scope import Scope

OPEN_PLACES = Definition(
    Code.OPEN_PLACES,
    _("Open tiers-lieux"),
    Unit.COUNT,
    _(
        "Tiers-lieux of the directory open on the date: published places (and demo "
        "places when demo data is shown), opened on or before the date and not closed "
        "on it; places in project are not counted. A place whose opening date is "
        "unknown counts from the date of its source (the 2019 census: 13 June 2019)."
    ),
)


def open_places(s: Scope) -> Indicator:
    return s.row(OPEN_PLACES, s.n_open, numerator=s.n_open, data_date=s.places_date)


INHABITANTS_PER_PLACE = Definition(
    Code.INHABITANTS_PER_PLACE,
    _("Inhabitants per tiers-lieu"),
    Unit.INHABITANTS,
    _(
        "Municipal population of the communes of the territory divided by the number of "
        "open tiers-lieux in it."
    ),
    published=18_000,
)


def _per_place(s: Scope) -> float | None:
    population = s.records.population_of(s.departement)
    return population / s.n_open if s.n_open else None


def inhabitants_per_place(s: Scope) -> Indicator:
    return s.row(
        INHABITANTS_PER_PLACE,
        _per_place(s),
        numerator=s.records.population_of(s.departement),
        denominator=s.n_open,
        data_date=s.places_date,
    )


NATIONAL_INHABITANTS_PER_PLACE = Definition(
    Code.NATIONAL_INHABITANTS_PER_PLACE,
    _("Inhabitants per tiers-lieu, national"),
    Unit.INHABITANTS,
    _(
        "The national population divided by the number of tiers-lieux in France "
        "(reference figures of the settings NATIONAL_POPULATION and NATIONAL_PLACES)."
    ),
)


def _national(s: Scope) -> float:
    return s.params.national_population / s.params.national_places


def national_inhabitants_per_place(s: Scope) -> Indicator:
    return s.row(
        NATIONAL_INHABITANTS_PER_PLACE,
        _national(s),
        numerator=s.params.national_population,
        denominator=s.params.national_places,
    )


DENSITY_RATIO = Definition(
    Code.DENSITY_RATIO,
    _("Density of tiers-lieux against the national average"),
    Unit.RATIO,
    _(
        "National inhabitants per tiers-lieu divided by the territory's: 2 means twice "
        "as many tiers-lieux per inhabitant as in France."
    ),
    published=2.0,
)


def density_ratio(s: Scope) -> Indicator:
    national, per_place = _national(s), _per_place(s)
    return s.row(
        DENSITY_RATIO,
        national / per_place if per_place else None,
        numerator=national,
        denominator=per_place,
        data_date=s.places_date,
    )


RURAL_SHARE = Definition(
    Code.RURAL_SHARE,
    _("Share of tiers-lieux in rural communes"),
    Unit.SHARE,
    _(
        "Open tiers-lieux located in a rural commune (INSEE density levels 5, 6 and 7) "
        "divided by all open tiers-lieux of the territory."
    ),
    published=0.52,
)


def rural_share(s: Scope) -> Indicator:
    rural = sum(1 for p in s.open_here if p.density_level in RURAL_DENSITY_LEVELS)
    return s.row(
        RURAL_SHARE,
        share(rural, s.n_open),
        numerator=rural,
        denominator=s.n_open,
        data_date=s.places_date,
    )


PLACES_TARGET_PROGRESS = Definition(
    Code.PLACES_TARGET_PROGRESS,
    _("Progress toward the target number of tiers-lieux"),
    Unit.SHARE,
    _(
        "Open tiers-lieux of the region divided by the policy's target (setting "
        "MESH_TARGET_PLACES, 300 by default), capped at 100 %. The target is regional: "
        "there is none per département. No target is set for the coverage itself."
    ),
)


def places_target_progress(s: Scope) -> Indicator:
    target = s.params.target_places
    return s.row(
        PLACES_TARGET_PROGRESS,
        min(s.n_open / target, 1.0) if s.regional and target > 0 else None,
        numerator=s.n_open if s.regional else None,
        denominator=target if s.regional else None,
        data_date=s.places_date,
    )
