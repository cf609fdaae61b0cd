"""The records the indicators are computed from, as plain data (read by ``reader``).

Nothing here touches the database: the engine and the indicator functions take these frozen
dataclasses, so that they can be tested on hand-made records without a database.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tierslieux.calls.models import CallKind
from tierslieux.dashboard.models import GrantLine

CENSUS_DATE = datetime.date(2019, 6, 13)
"""Date of the CGET/ANCT census (the source date of the 225 places loaded by default)."""
DEFAULT_SINCE = 2016
DEFAULT_SURVIVAL_YEARS = 3
RURAL_DENSITY_LEVELS = frozenset({5, 6, 7})
"""INSEE density levels of the rural communes."""

MONEY_LINES: tuple[tuple[str, Any], ...] = tuple((k.value, k.label) for k in CallKind) + tuple(
    (g.value, g.label) for g in GrantLine
)
"""(code, label) of every money line: the call kinds, then the lines of other grants."""
CALL_LINES = frozenset(k.value for k in CallKind)


@dataclass(frozen=True)
class Place:
    id: int
    departement: str
    density_level: int
    state: str
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    source_date: datetime.date | None
    services: tuple[str, ...]
    counted: bool
    """Counted in the directory's figures (published, or demo when demo data is shown)."""
    lon: float
    lat: float

    def open_on(self, on: datetime.date) -> bool:
        """Open on ``on``: the rule of ``Place.objects.open_on``, with an unknown opening date
        counting from the source date."""
        if self.state == "project":
            return False
        start = self.opened_on or self.source_date
        if start is not None and start > on:
            return False
        return self.closed_on is None or self.closed_on > on

    def last_change_on(self, on: datetime.date) -> datetime.date | None:
        """The latest date of this place's record on or before ``on`` (its data date)."""
        dates = [d for d in (self.source_date, self.opened_on, self.closed_on) if d and d <= on]
        return max(dates) if dates else None


@dataclass(frozen=True)
class Money:
    """An amount committed (a decision, an other grant) or paid (a tranche, an other grant)."""

    on: datetime.date
    year: int
    """The year it counts in: the committee's, the payment's, or the budget year."""
    line: str
    departement: str | None
    """The département of the project (None for the other grants, which are regional)."""
    cents: int


@dataclass(frozen=True)
class Survey:
    id: int
    year: int
    opens_on: datetime.date
    closes_on: datetime.date | None


@dataclass(frozen=True)
class Response:
    survey_id: int
    place_id: int
    departement: str
    submitted_on: datetime.date
    unsure: bool
    services: tuple[str, ...]


@dataclass(frozen=True)
class Params:
    """The reference figures the rules use (from the settings, read by ``reader``)."""

    national_population: int
    national_places: int
    target_places: int
    threshold_minutes: float
    region_name: str


@dataclass(frozen=True)
class Records:
    """Every record the indicators need, for one choice of demo data."""

    include_demo: bool
    population: dict[str, int]
    """Municipal population per département."""
    departement_names: dict[str, str]
    places: tuple[Place, ...]
    first_grant: dict[int, datetime.date]
    """Place id -> committee date of its first accepted grant."""
    committed: tuple[Money, ...]
    paid: tuple[Money, ...]
    surveys: tuple[Survey, ...]
    responses: dict[int, tuple[Response, ...]]
    """Survey id -> its answers, in the order they were stored."""
    certifications: tuple[tuple[datetime.date, str | None], ...] = ()
    """(day certified, département of the place of work or None) of each facilitator
    certified (training cohorts, ADR 0033)."""
    directory_known_from: datetime.date | None = None
    """Before this date the directory is incomplete: the places of its oldest source without an
    opening date (the 2019 census) may have been open already, so the figures that count open
    places are not known."""
    coverage_memo: dict[str, dict[str, tuple[float, float]]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Coverage already computed for a set of open places (filled by ``reader``)."""

    def population_of(self, departement: str | None) -> int:
        if departement is None:
            return sum(self.population.values())
        return self.population.get(departement, 0)

    def departements(self) -> list[str]:
        """The codes of the départements with communes, sorted."""
        return sorted(self.population)

    def territory_name(self, departement: str | None, region_name: str) -> str:
        if departement is None:
            return region_name
        return self.departement_names.get(departement, departement)


def records_with(
    *,
    places: Iterable[Place] = (),
    population: dict[str, int] | None = None,
    departement_names: dict[str, str] | None = None,
    grants: Iterable[tuple[int | None, Money]] = (),
    paid: Iterable[Money] = (),
    surveys: Iterable[Survey] = (),
    responses: Iterable[Response] = (),
    certifications: Iterable[tuple[datetime.date, str | None]] = (),
    include_demo: bool = True,
) -> Records:
    """``Records`` from plain items, with the same derived fields as the reader computes.

    ``grants`` are (place id or None, money committed); the first grant of each place kept is
    derived from them, as is the date before which the directory is incomplete.
    """
    places = tuple(places)
    kept = {p.id for p in places}
    first_grant: dict[int, datetime.date] = {}
    committed = []
    for place_id, money in grants:
        committed.append(money)
        if place_id in kept and (place_id not in first_grant or money.on < first_grant[place_id]):
            first_grant[place_id] = money.on
    answers: dict[int, list[Response]] = {}
    for r in responses:
        if r.place_id in kept:
            answers.setdefault(r.survey_id, []).append(r)
    undated = [p.source_date for p in places if p.counted and p.opened_on is None]
    return Records(
        include_demo=include_demo,
        population=dict(population or {}),
        departement_names=dict(departement_names or {}),
        places=places,
        first_grant=first_grant,
        committed=tuple(committed),
        paid=tuple(paid),
        surveys=tuple(surveys),
        responses={k: tuple(v) for k, v in answers.items()},
        certifications=tuple(certifications),
        directory_known_from=min((d for d in undated if d), default=None),
    )


# --- small pure helpers shared by the indicator functions -----------------------------------


def share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def within(dep: str | None, departement: str | None) -> bool:
    """True when ``dep`` is in the territory (``None``: the region)."""
    return departement is None or dep == departement


def latest(dates: Iterable[datetime.date | None]) -> datetime.date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None
