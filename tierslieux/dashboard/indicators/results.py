"""What the engine gives back: one figure, every figure for a date and a territory, a series by
year, the money table (frozen dataclasses, no database)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from tierslieux.dashboard.indicators.data import MONEY_LINES


@dataclass(frozen=True)
class Indicator:
    """One figure with what it was computed from.

    ``value`` is None when it cannot be computed (no place, no survey answer...). Shares are
    0..1, money in cents. ``data_date`` is the date of the most recent record the figure rests
    on (a census, a survey, a decision...), on or before the date asked.
    """

    code: str
    label: str
    value: float | int | None
    unit: str
    numerator: float | int | None
    denominator: float | int | None
    data_date: datetime.date | None
    definition: str
    published: float | None = None
    """The Région's published figure (region only; None per département)."""
    note: str = ""
    """What else the reader needs: the survey's year and answer count, N years..."""


@dataclass(frozen=True)
class MoneyRow:
    year: int
    line: str
    line_label: str
    is_call: bool
    """True for a call kind (AMI), False for a line of other grants."""
    committed_cents: int
    paid_cents: int


@dataclass(frozen=True)
class MoneyTable:
    """Amounts committed and paid per year and line, from ``since`` to ``until`` (years)."""

    since: int
    until: int
    departement: str | None
    rows: tuple[MoneyRow, ...]
    """Only the (year, line) pairs with money, sorted by year then line order."""
    data_date: datetime.date | None

    @property
    def years(self) -> list[int]:
        return list(range(self.since, self.until + 1))

    @property
    def lines(self) -> list[tuple[str, str]]:
        """(code, label) of the lines that have money, in the order of ``MONEY_LINES``."""
        used = {r.line for r in self.rows}
        return [(code, str(label)) for code, label in MONEY_LINES if code in used]

    @property
    def total_committed_cents(self) -> int:
        return sum(r.committed_cents for r in self.rows)

    @property
    def total_paid_cents(self) -> int:
        return sum(r.paid_cents for r in self.rows)

    def by_year(self, *, calls: bool | None = None) -> list[tuple[int, int, int]]:
        """(year, committed_cents, paid_cents) for every year, zeros included; ``calls=True``
        for the calls' lines only, ``False`` for the other grants only."""
        totals = {y: [0, 0] for y in self.years}
        for r in self.rows:
            if calls is not None and r.is_call != calls:
                continue
            totals[r.year][0] += r.committed_cents
            totals[r.year][1] += r.paid_cents
        return [(y, c, p) for y, (c, p) in totals.items()]

    def by_line(self) -> list[tuple[str, str, int, int]]:
        """(line, label, committed_cents, paid_cents) for the lines that have money."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.rows:
            totals[r.line][0] += r.committed_cents
            totals[r.line][1] += r.paid_cents
        return [(code, label, *totals[code]) for code, label in self.lines]

    def cell(self, year: int, line: str) -> MoneyRow | None:
        for r in self.rows:
            if r.year == year and r.line == line:
                return r
        return None


@dataclass(frozen=True)
class Indicators:
    """Every indicator for one date and one territory."""

    on: datetime.date
    departement: str | None
    territory_name: str
    include_demo: bool
    since: int
    survival_years: int
    rows: tuple[Indicator, ...]
    money: MoneyTable

    def __getitem__(self, code: str) -> Indicator:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(code)

    def get(self, code: str) -> Indicator | None:
        try:
            return self[code]
        except KeyError:
            return None

    def value(self, code: str) -> float | int | None:
        return self[code].value

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.rows]


@dataclass(frozen=True)
class SeriesPoint:
    year: int
    on: datetime.date
    """The date evaluated: 31 December, or today for the current year."""
    value: float | int | None
    numerator: float | int | None
    denominator: float | int | None
    data_date: datetime.date | None
    note: str = ""


@dataclass(frozen=True)
class IndicatorSeries:
    """Each indicator by year for one territory."""

    departement: str | None
    territory_name: str
    include_demo: bool
    years: tuple[int, ...]
    snapshots: tuple[Indicators, ...]
    """One ``Indicators`` per year, in the order of ``years``."""

    @property
    def codes(self) -> list[str]:
        from tierslieux.dashboard.indicators.registry import DEFINITIONS

        return self.snapshots[0].codes if self.snapshots else list(DEFINITIONS)

    def points(self, code: str) -> list[SeriesPoint]:
        out = []
        for year, snap in zip(self.years, self.snapshots, strict=True):
            row = snap[code]
            out.append(
                SeriesPoint(
                    year=year,
                    on=snap.on,
                    value=row.value,
                    numerator=row.numerator,
                    denominator=row.denominator,
                    data_date=row.data_date,
                    note=row.note,
                )
            )
        return out

    def indicator(self, code: str) -> Indicator:
        """The latest snapshot's row (label, unit, definition) for ``code``."""
        return self.snapshots[-1][code]


@dataclass(frozen=True)
class DemoSummary:
    """How many demo records the database holds (the dashboard shows a banner then)."""

    calls: int
    applications: int
    agreements: int
    places: int
    survey_responses: int
    other_grants: int

    @property
    def total(self) -> int:
        return (
            self.calls
            + self.applications
            + self.agreements
            + self.places
            + self.survey_responses
            + self.other_grants
        )
