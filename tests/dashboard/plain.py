"""Builders of plain records for the indicator engine's tests (no database).

A département "99" of 6,000 inhabitants (an urban commune of 1,000, level 2; rural ones of
2,000 and 3,000, levels 6 and 7), as ``factories.territory_make`` builds in the database, and
whatever other départements a test names.
"""

import datetime
import itertools

from tierslieux.calls.models import CallKind
from tierslieux.dashboard.indicators import engine
from tierslieux.dashboard.indicators.data import (
    DEFAULT_SINCE,
    DEFAULT_SURVIVAL_YEARS,
    Money,
    Params,
    Place,
    Records,
    Response,
    Survey,
    records_with,
)
from tierslieux.dashboard.indicators.results import Indicators
from tierslieux.dashboard.models import GrantLine

D = datetime.date
URBAN, RURAL = 2, 6
POPULATION = {"99": 6000, "33": 1_000_000, "24": 400_000}
NAMES = {"99": "Département de test", "33": "Gironde", "24": "Dordogne"}
PARAMS = Params(
    national_population=68_000_000,
    national_places=3500,
    target_places=300,
    threshold_minutes=20.0,
    region_name="Nouvelle-Aquitaine",
)
_ids = itertools.count(1)


def place(
    level: int = URBAN,
    *,
    departement: str = "99",
    opened_on: datetime.date | None = None,
    closed_on: datetime.date | None = None,
    source_date: datetime.date | None = None,
    state: str = "open",
    services: tuple[str, ...] = (),
    counted: bool = True,
) -> Place:
    return Place(
        id=next(_ids),
        departement=departement,
        density_level=level,
        state=state,
        opened_on=opened_on,
        closed_on=closed_on,
        source_date=source_date,
        services=services,
        counted=counted,
        lon=0.0,
        lat=45.0,
    )


def grant(
    on: datetime.date,
    place_: Place | None = None,
    *,
    cents: int = 3_000_000,
    line: str = CallKind.DEVELOPMENT,
    departement: str | None = "99",
) -> tuple[int | None, Money]:
    """An accepted decision (on ``place_``'s application, if any) of the committee of ``on``."""
    dep = place_.departement if place_ and departement == "99" else departement
    return (place_.id if place_ else None, Money(on, on.year, line, dep, cents))


def other_grant(year: int, cents: int) -> tuple[None, Money]:
    """The regional network's support for ``year``, committed on 1 March."""
    return (None, Money(D(year, 3, 1), year, GrantLine.REGIONAL_NETWORK, None, cents))


def payment(
    on: datetime.date, cents: int, *, line: str = CallKind.DEVELOPMENT, departement: str | None
) -> Money:
    return Money(on, on.year, line, departement, cents)


def survey(year: int) -> Survey:
    return Survey(next(_ids), year, D(year, 3, 1), D(year, 4, 30))


def answer(
    survey_: Survey,
    place_: Place,
    *,
    unsure: bool,
    services: tuple[str, ...] = ("cafe",),
    submitted_on: datetime.date | None = None,
) -> Response:
    return Response(
        survey_id=survey_.id,
        place_id=place_.id,
        departement=place_.departement,
        submitted_on=submitted_on or D(survey_.year, 3, 15),
        unsure=unsure,
        services=services,
    )


def records(**kwargs) -> Records:
    kwargs.setdefault("population", POPULATION)
    kwargs.setdefault("departement_names", NAMES)
    return records_with(**kwargs)


def compute(
    recs: Records,
    on: datetime.date,
    departement: str | None = "99",
    *,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    params: Params = PARAMS,
    coverage: dict[str, tuple[float, float]] | None = None,
) -> Indicators:
    return engine.snapshot(
        recs,
        params,
        on=on,
        departement=departement,
        since=since,
        survival_years=survival_years,
        coverage=coverage,
    )
