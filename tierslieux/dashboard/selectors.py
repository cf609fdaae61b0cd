"""The evaluation indicators, computed from the records for a date and a territory.

Nothing is typed in: every figure is recomputed from the places, the communes, the calls'
decisions, the conventions' payment tranches, the survey answers and the other grants. The
records are read once (``_records_load``: a handful of queries into plain tuples), then any
number of (date, territory) pairs are evaluated in memory, so that a ten-year series for the
region and its départements takes a few seconds. Coverage (the 20-minute mesh) runs the
analytics core once per set of open places and is cached per (places, parameters).

Territory: ``departement=None`` is the region (every loaded commune), else a département code.
Demo data: with ``include_demo=False``, records of demo calls (``Call.is_demo``), demo places
(``source == "demo"``), demo surveys and demo other grants are left out.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from tierslieux.core import clock
from tierslieux.dashboard.definitions import DEFINITIONS, Code, Unit
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.places.models import PlaceSource

CENSUS_DATE = datetime.date(2019, 6, 13)
"""Date of the CGET/ANCT census (the source date of the 225 places loaded by default)."""
DEFAULT_SINCE = 2016
DEFAULT_SURVIVAL_YEARS = 3

__all__ = [
    "DEFAULT_SINCE",
    "DEFAULT_SURVIVAL_YEARS",
    "DEFINITIONS",
    "MONEY_LINES",
    "Code",
    "DemoSummary",
    "Indicator",
    "IndicatorSeries",
    "Indicators",
    "MoneyRow",
    "MoneyTable",
    "SeriesPoint",
    "Unit",
    "demo_summary",
    "indicator_series",
    "indicator_series_many",
    "indicators_by_departement",
    "indicators_compute",
    "money_by_year",
    "series_dates",
    "territory_choices",
]


# --- public dataclasses -------------------------------------------------------------------


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


def _money_lines() -> tuple[tuple[str, Any], ...]:
    from tierslieux.calls.models import CallKind

    return tuple((k.value, k.label) for k in CallKind) + tuple(
        (g.value, g.label) for g in GrantLine
    )


MONEY_LINES: tuple[tuple[str, Any], ...] = _money_lines()
"""(code, label) of every money line: the call kinds, then the lines of other grants."""
_CALL_LINES = frozenset(code for code, _label in MONEY_LINES[: -len(GrantLine.values)])


# --- the records, read once ---------------------------------------------------------------


@dataclass(frozen=True)
class _Place:
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
class _Money:
    on: datetime.date
    year: int
    line: str
    departement: str | None
    cents: int


@dataclass(frozen=True)
class _Survey:
    id: int
    year: int
    opens_on: datetime.date
    closes_on: datetime.date | None


@dataclass(frozen=True)
class _Response:
    survey_id: int
    place_id: int
    departement: str
    submitted_on: datetime.date
    unsure: bool
    services: tuple[str, ...]


@dataclass
class _Records:
    include_demo: bool
    population: dict[str, int]
    """Municipal population per département."""
    departement_names: dict[str, str]
    places: list[_Place]
    first_grant: dict[int, datetime.date]
    """Place id -> committee date of its first accepted grant."""
    committed: list[_Money]
    paid: list[_Money]
    surveys: list[_Survey]
    responses: dict[int, list[_Response]]
    coverage_memo: dict[tuple, dict[str, tuple[float, float]]] = field(default_factory=dict)
    directory_known_from: datetime.date | None = None
    """Before this date the directory is incomplete: the places of its oldest source without an
    opening date (the 2019 census) may have been open already, so the figures that count open
    places are not known."""

    def population_of(self, departement: str | None) -> int:
        if departement is None:
            return sum(self.population.values())
        return self.population.get(departement, 0)


def _records_load(*, include_demo: bool) -> _Records:
    from tierslieux.agreements.models import PaymentTranche, TrancheState
    from tierslieux.calls.models import Decision
    from tierslieux.places.models import Place
    from tierslieux.territory.models import Commune, Departement

    population: dict[str, int] = defaultdict(int)
    for dep, pop in Commune.objects.values_list("departement_id", "population"):
        population[dep] += pop
    names = dict(Departement.objects.values_list("code", "name"))

    places = []
    for row in Place.objects.values_list(
        "pk",
        "commune__departement_id",
        "commune__density_level",
        "state",
        "opened_on",
        "closed_on",
        "source_date",
        "services",
        "is_published",
        "source",
        "lon",
        "lat",
    ):
        pk, dep, level, state, opened, closed, source_date, services, published, source = row[:10]
        is_demo = source == PlaceSource.DEMO
        if is_demo and not include_demo:
            continue
        places.append(
            _Place(
                id=pk,
                departement=dep,
                density_level=level,
                state=state,
                opened_on=opened,
                closed_on=closed,
                source_date=source_date,
                services=tuple(services or ()),
                counted=bool(published or is_demo),
                lon=row[10],
                lat=row[11],
            )
        )
    kept = {p.id for p in places}

    decisions = Decision.objects.filter(accepted=True, granted_cents__gt=0)
    if not include_demo:
        decisions = decisions.filter(application__call__is_demo=False)
    first_grant: dict[int, datetime.date] = {}
    committed = []
    for place_id, committee_on, cents, kind, dep, place_dep in decisions.values_list(
        "application__place_id",
        "committee_on",
        "granted_cents",
        "application__call__kind",
        "application__commune__departement_id",
        "application__place__commune__departement_id",
    ):
        committed.append(_Money(committee_on, committee_on.year, kind, dep or place_dep, cents))
        if place_id in kept and (
            place_id not in first_grant or committee_on < first_grant[place_id]
        ):
            first_grant[place_id] = committee_on

    tranches = PaymentTranche.objects.filter(state=TrancheState.PAID)
    if not include_demo:
        tranches = tranches.filter(agreement__application__call__is_demo=False)
    paid = [
        _Money(paid_on, paid_on.year, kind, dep or place_dep, cents)
        for paid_on, cents, kind, dep, place_dep in tranches.values_list(
            "paid_on",
            "paid_amount_cents",
            "agreement__application__call__kind",
            "agreement__application__commune__departement_id",
            "agreement__application__place__commune__departement_id",
        )
    ]

    grants = OtherGrant.objects.all() if include_demo else OtherGrant.objects.real()
    for line, year, committed_on, cents, paid_on, paid_cents in grants.values_list(
        "line", "year", "committed_on", "committed_cents", "paid_on", "paid_cents"
    ):
        committed.append(_Money(committed_on, year, line, None, cents))
        if paid_on is not None and paid_cents:
            paid.append(_Money(paid_on, paid_on.year, line, None, paid_cents))

    surveys, responses = _surveys_load(include_demo=include_demo, kept=kept)
    undated_sources = [p.source_date for p in places if p.counted and p.opened_on is None]
    return _Records(
        directory_known_from=min((d for d in undated_sources if d), default=None),
        include_demo=include_demo,
        population=dict(population),
        departement_names=names,
        places=places,
        first_grant=first_grant,
        committed=committed,
        paid=paid,
        surveys=surveys,
        responses=responses,
    )


def _surveys_load(
    *, include_demo: bool, kept: set[int]
) -> tuple[list[_Survey], dict[int, list[_Response]]]:
    try:
        from tierslieux.surveys.models import UNSURE_CONFIDENCES, Survey, SurveyResponse
    except ImportError:  # the surveys app has no models yet
        return [], {}
    surveys_qs = Survey.objects.all() if include_demo else Survey.objects.filter(is_demo=False)
    surveys = [
        _Survey(pk, year, opens_on, closes_on)
        for pk, year, opens_on, closes_on in surveys_qs.values_list(
            "pk", "year", "opens_on", "closes_on"
        )
    ]
    ids = {s.id for s in surveys}
    tz = timezone.get_current_timezone()
    responses: dict[int, list[_Response]] = defaultdict(list)
    for survey_id, place_id, dep, submitted_at, confidence, services in (
        SurveyResponse.objects.filter(survey_id__in=ids)
        .values_list(
            "survey_id",
            "place_id",
            "place__commune__departement_id",
            "submitted_at",
            "business_model_confidence",
            "services",
        )
        .order_by("pk")
    ):
        if place_id not in kept:  # a demo place's answer when demo data is left out
            continue
        responses[survey_id].append(
            _Response(
                survey_id=survey_id,
                place_id=place_id,
                departement=dep,
                submitted_on=(
                    submitted_at.astimezone(tz) if timezone.is_aware(submitted_at) else submitted_at
                ).date(),
                unsure=confidence in UNSURE_CONFIDENCES,
                services=tuple(services or ()),
            )
        )
    return surveys, dict(responses)


# --- computing one snapshot ---------------------------------------------------------------


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _years_before(on: datetime.date, years: int) -> datetime.date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def _in(dep: str | None, departement: str | None) -> bool:
    return departement is None or dep == departement


def _row(
    code: str,
    value: float | int | None,
    *,
    numerator: float | int | None = None,
    denominator: float | int | None = None,
    data_date: datetime.date | None = None,
    regional: bool = True,
    note: str = "",
) -> Indicator:
    d = DEFINITIONS[code]
    return Indicator(
        code=code,
        label=str(d.label),
        value=value,
        unit=d.unit,
        numerator=numerator,
        denominator=denominator,
        data_date=data_date,
        definition=str(d.definition),
        published=d.published if regional else None,
        note=note,
    )


def _latest(dates: Iterable[datetime.date | None]) -> datetime.date | None:
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def _latest_survey(records: _Records, on: datetime.date) -> _Survey | None:
    started = [s for s in records.surveys if s.opens_on <= on]
    return max(started, key=lambda s: (s.year, s.opens_on)) if started else None


def _money_in(
    items: Iterable[_Money], *, on: datetime.date, since: int, departement: str | None
) -> Iterable[_Money]:
    """Money recorded on or before ``on``, of the years ``since``..``on.year``, in the territory
    (per département: the calls only, by the commune of the project)."""
    for m in items:
        if m.on > on or not since <= m.year <= on.year:
            continue
        if departement is not None and (m.line not in _CALL_LINES or m.departement != departement):
            continue
        yield m


def _money_table(
    records: _Records, *, on: datetime.date, since: int, departement: str | None
) -> MoneyTable:
    cells: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0])
    dates = []
    for index, items in ((0, records.committed), (1, records.paid)):
        for m in _money_in(items, on=on, since=since, departement=departement):
            cells[(m.year, m.line)][index] += m.cents
            dates.append(m.on)
    order = {code: i for i, (code, _label) in enumerate(MONEY_LINES)}
    labels = dict(MONEY_LINES)
    rows = tuple(
        MoneyRow(
            year=year,
            line=line,
            line_label=str(labels.get(line, line)),
            is_call=line in _CALL_LINES,
            committed_cents=c,
            paid_cents=p,
        )
        for (year, line), (c, p) in sorted(
            cells.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 99))
        )
    )
    return MoneyTable(
        since=since,
        until=max(on.year, since),
        departement=departement,
        rows=rows,
        data_date=_latest(dates),
    )


PLACE_COUNT_CODES = frozenset(
    {
        Code.OPEN_PLACES,
        Code.INHABITANTS_PER_PLACE,
        Code.DENSITY_RATIO,
        Code.RURAL_SHARE,
        Code.SERVICES_SHARE,
        Code.COVERAGE_SHARE,
        Code.PLACES_TARGET_PROGRESS,
    }
)
"""Indicators that count the places open on the date (unknown before the directory is)."""


def _snapshot(
    records: _Records,
    *,
    on: datetime.date,
    departement: str | None,
    since: int,
    survival_years: int,
    coverage: dict[str, tuple[float, float]] | None,
    coverage_date: datetime.date | None,
) -> Indicators:
    regional = departement is None
    here = [p for p in records.places if _in(p.departement, departement)]
    open_here = [p for p in here if p.counted and p.open_on(on)]
    n_open = len(open_here)
    places_date = _latest(p.last_change_on(on) for p in here if p.counted)
    rows: list[Indicator] = [
        _row(Code.OPEN_PLACES, n_open, numerator=n_open, data_date=places_date, regional=regional)
    ]

    # Inhabitants per place, against the national figure.
    population = records.population_of(departement)
    per_place = population / n_open if n_open else None
    national = settings.NATIONAL_POPULATION / settings.NATIONAL_PLACES
    rows.append(
        _row(
            Code.INHABITANTS_PER_PLACE,
            per_place,
            numerator=population,
            denominator=n_open,
            data_date=places_date,
            regional=regional,
        )
    )
    rows.append(
        _row(
            Code.NATIONAL_INHABITANTS_PER_PLACE,
            national,
            numerator=settings.NATIONAL_POPULATION,
            denominator=settings.NATIONAL_PLACES,
            regional=regional,
        )
    )
    rows.append(
        _row(
            Code.DENSITY_RATIO,
            national / per_place if per_place else None,
            numerator=national,
            denominator=per_place,
            data_date=places_date,
            regional=regional,
        )
    )

    # Rural share.
    rural = sum(1 for p in open_here if p.density_level in (5, 6, 7))
    rows.append(
        _row(
            Code.RURAL_SHARE,
            _share(rural, n_open),
            numerator=rural,
            denominator=n_open,
            data_date=places_date,
            regional=regional,
        )
    )

    # Survival of funded places.
    cutoff = _years_before(on, survival_years)
    by_id = {p.id: p for p in here}
    funded = [
        by_id[pid] for pid, first in records.first_grant.items() if first <= cutoff and pid in by_id
    ]
    alive = sum(1 for p in funded if p.open_on(on))
    grant_dates = [records.first_grant[p.id] for p in funded]
    rows.append(
        _row(
            Code.SURVIVAL_RATE,
            _share(alive, len(funded)),
            numerator=alive,
            denominator=len(funded),
            data_date=_latest([*grant_dates, *(p.last_change_on(on) for p in funded)]),
            regional=regional,
            note=str(_("%(years)d years after the first grant") % {"years": survival_years}),
        )
    )

    # Services beyond the workspace, and the business model (the latest survey).
    survey = _latest_survey(records, on)
    answers = [
        r
        for r in (records.responses.get(survey.id, []) if survey else [])
        if r.submitted_on <= on and _in(r.departement, departement)
    ]
    answered = {r.place_id: r for r in answers}
    known = offering = 0
    for p in open_here:
        if p.id in answered:
            services = answered[p.id].services
        elif p.services:
            services = p.services
        else:
            continue
        known += 1
        offering += bool(services)
    survey_date = _latest(r.submitted_on for r in answers)
    survey_note = (
        str(_("survey %(year)d, %(count)d answers") % {"year": survey.year, "count": len(answers)})
        if survey
        else str(_("no survey"))
    )
    rows.append(
        _row(
            Code.SERVICES_SHARE,
            _share(offering, known),
            numerator=offering,
            denominator=known,
            data_date=_latest([survey_date, places_date]),
            regional=regional,
            note=survey_note,
        )
    )
    unsure = sum(1 for r in answers if r.unsure)
    rows.append(
        _row(
            Code.UNSURE_SHARE,
            _share(unsure, len(answers)),
            numerator=unsure,
            denominator=len(answers),
            data_date=survey_date,
            regional=regional,
            note=survey_note,
        )
    )

    # Money since ``since``.
    money = _money_table(records, on=on, since=since, departement=departement)
    since_note = str(_("since %(year)d") % {"year": since})
    rows.append(
        _row(
            Code.COMMITTED,
            money.total_committed_cents,
            numerator=money.total_committed_cents,
            data_date=_latest(
                m.on
                for m in _money_in(records.committed, on=on, since=since, departement=departement)
            ),
            # The Région published "9.6 M EUR since 2016": comparable only from 2016.
            regional=regional and since == DEFAULT_SINCE,
            note=since_note,
        )
    )
    rows.append(
        _row(
            Code.PAID,
            money.total_paid_cents,
            numerator=money.total_paid_cents,
            data_date=_latest(
                m.on for m in _money_in(records.paid, on=on, since=since, departement=departement)
            ),
            regional=regional,
            note=since_note,
        )
    )

    # Coverage within the threshold, and progress toward the target number of places.
    if coverage is not None:
        pop, covered = _coverage_of(coverage, departement)
        rows.append(
            _row(
                Code.COVERAGE_SHARE,
                covered / pop if pop else None,
                numerator=round(covered),
                denominator=round(pop),
                data_date=coverage_date,
                regional=regional,
                note=str(
                    _("%(minutes)s minutes") % {"minutes": f"{settings.MESH_THRESHOLD_MINUTES:g}"}
                ),
            )
        )
    target = settings.MESH_TARGET_PLACES
    rows.append(
        _row(
            Code.PLACES_TARGET_PROGRESS,
            min(n_open / target, 1.0) if regional and target > 0 else None,
            numerator=n_open if regional else None,
            denominator=target if regional else None,
            data_date=places_date,
            regional=regional,
        )
    )
    if records.directory_known_from and on < records.directory_known_from:
        unknown = str(
            _("not known before %(date)s: the places of that source have no opening date")
            % {"date": date_format(records.directory_known_from)}
        )
        rows = [
            replace(r, value=None, numerator=None, denominator=None, data_date=None, note=unknown)
            if r.code in PLACE_COUNT_CODES
            else r
            for r in rows
        ]
    return Indicators(
        on=on,
        departement=departement,
        territory_name=_territory_name(records, departement),
        include_demo=records.include_demo,
        since=since,
        survival_years=survival_years,
        rows=tuple(rows),
        money=money,
    )


def _territory_name(records: _Records, departement: str | None) -> str:
    if departement is None:
        return settings.TERRITORY_REGION_NAME
    return records.departement_names.get(departement, departement)


# --- coverage -----------------------------------------------------------------------------

_DEMAND: dict[tuple, Any] = {}


def _demand(params: Any) -> Any:
    """The demand points (kept in the process: the territory is reference data)."""
    from tierslieux.territory.mesh import demand_read
    from tierslieux.territory.models import Commune, PopulationCell

    key = (params.demand, PopulationCell.objects.count(), Commune.objects.count())
    if key not in _DEMAND:
        _DEMAND.clear()
        _DEMAND[key] = demand_read(params.demand)
    return _DEMAND[key]


def _coverage_of(
    coverage: dict[str, tuple[float, float]], departement: str | None
) -> tuple[float, float]:
    if departement is not None:
        return coverage.get(departement, (0.0, 0.0))
    pops = [v[0] for v in coverage.values()]
    covered = [v[1] for v in coverage.values()]
    return float(sum(pops)), float(sum(covered))


def _coverage_compute(
    records: _Records, places: Sequence[_Place]
) -> dict[str, tuple[float, float]]:
    """(inhabitants, inhabitants covered) per département for these open places, cached."""
    from tierslieux.territory.analytics import coverage as cov
    from tierslieux.territory.mesh import MeshParams, travel_model
    from tierslieux.territory.mesh_cache import params_key

    params = MeshParams.from_settings()
    pts = sorted((p.id, round(p.lon, 6), round(p.lat, 6)) for p in places)
    digest = hashlib.sha256(repr((pts, params_key(params))).encode()).hexdigest()[:24]
    if digest in records.coverage_memo:
        return records.coverage_memo[digest]
    key = f"dashboard:coverage:v1:{digest}"
    result = cache.get(key)
    if result is None:
        demand = _demand(params)
        res = cov.coverage(
            travel_model(params),
            demand.lon,
            demand.lat,
            demand.weight,
            np.array([p[1] for p in pts], dtype=np.float64),
            np.array([p[2] for p in pts], dtype=np.float64),
            threshold_minutes=params.minutes,
        )
        groups = cov.coverage_by_group(res, demand.departement)
        result = {
            str(k): (float(pop), float(c))
            for k, pop, c in zip(
                groups.keys.tolist(), groups.population, groups.population_covered, strict=True
            )
        }
        cache.set(key, result, timeout=24 * 3600)
    records.coverage_memo[digest] = result
    return result


# --- public selectors ---------------------------------------------------------------------


def _today() -> datetime.date:
    return clock.today()


def _evaluate(
    records: _Records,
    *,
    on: datetime.date,
    departements: Sequence[str | None],
    since: int,
    survival_years: int,
    with_coverage: bool,
) -> list[Indicators]:
    coverage = coverage_date = None
    if with_coverage and records.directory_known_from and on < records.directory_known_from:
        coverage = {}  # open places unknown on that date: so is the coverage (see _snapshot)
    elif with_coverage:
        open_places = [p for p in records.places if p.counted and p.open_on(on)]
        coverage = _coverage_compute(records, open_places)
        coverage_date = _latest(p.last_change_on(on) for p in records.places if p.counted)
    return [
        _snapshot(
            records,
            on=on,
            departement=dep,
            since=since,
            survival_years=survival_years,
            coverage=coverage,
            coverage_date=coverage_date,
        )
        for dep in departements
    ]


def indicators_compute(
    *,
    on: datetime.date | None = None,
    departement: str | None = None,
    include_demo: bool = True,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    with_coverage: bool = True,
) -> Indicators:
    """Every indicator on ``on`` (today by default) for the region or one département."""
    records = _records_load(include_demo=include_demo)
    return _evaluate(
        records,
        on=on or _today(),
        departements=[departement],
        since=since,
        survival_years=survival_years,
        with_coverage=with_coverage,
    )[0]


def indicators_by_departement(
    *,
    on: datetime.date | None = None,
    include_demo: bool = True,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    with_coverage: bool = True,
) -> list[Indicators]:
    """Every indicator on ``on`` for each département of the territory, by code."""
    records = _records_load(include_demo=include_demo)
    return _evaluate(
        records,
        on=on or _today(),
        departements=sorted(records.population),
        since=since,
        survival_years=survival_years,
        with_coverage=with_coverage,
    )


def series_dates(
    years: Iterable[int], *, today: datetime.date | None = None
) -> list[tuple[int, datetime.date]]:
    """(year, date evaluated): 31 December of past years, today for the current year; future
    years are dropped."""
    today = today or _today()
    out = []
    for year in sorted(set(years)):
        if year < today.year:
            out.append((year, datetime.date(year, 12, 31)))
        elif year == today.year:
            out.append((year, today))
    return out


def indicator_series(
    *,
    years: Iterable[int],
    departement: str | None = None,
    include_demo: bool = True,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    with_coverage: bool = True,
) -> IndicatorSeries:
    """Each indicator by year for the region or one département (see ``series_dates``)."""
    return indicator_series_many(
        years=years,
        departements=[departement],
        include_demo=include_demo,
        since=since,
        survival_years=survival_years,
        with_coverage=with_coverage,
    )[0]


def indicator_series_many(
    *,
    years: Iterable[int],
    departements: Sequence[str | None] | None = None,
    include_demo: bool = True,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    with_coverage: bool = True,
) -> list[IndicatorSeries]:
    """``indicator_series`` for several territories at once (records read once); by default
    the region then each département."""
    records = _records_load(include_demo=include_demo)
    deps: list[str | None] = (
        list(departements) if departements is not None else [None, *sorted(records.population)]
    )
    dates = series_dates(years)
    per_year = [
        _evaluate(
            records,
            on=on,
            departements=deps,
            since=since,
            survival_years=survival_years,
            with_coverage=with_coverage,
        )
        for _year, on in dates
    ]
    return [
        IndicatorSeries(
            departement=dep,
            territory_name=_territory_name(records, dep),
            include_demo=include_demo,
            years=tuple(y for y, _on in dates),
            snapshots=tuple(snaps[i] for snaps in per_year),
        )
        for i, dep in enumerate(deps)
    ]


def money_by_year(
    *,
    since: int = DEFAULT_SINCE,
    departement: str | None = None,
    include_demo: bool = True,
    on: datetime.date | None = None,
) -> MoneyTable:
    """Amounts committed and paid per year and line, from ``since`` to the year of ``on``."""
    records = _records_load(include_demo=include_demo)
    return _money_table(records, on=on or _today(), since=since, departement=departement)


def demo_summary() -> DemoSummary | None:
    """Counts of demo records, or None when there are none."""
    from tierslieux.agreements.models import Agreement
    from tierslieux.calls.models import Application, Call
    from tierslieux.places.models import Place

    try:
        from tierslieux.surveys.models import SurveyResponse

        responses = SurveyResponse.objects.filter(
            Q(survey__is_demo=True) | Q(place__source=PlaceSource.DEMO)
        ).count()
    except ImportError:
        responses = 0
    summary = DemoSummary(
        calls=Call.objects.filter(is_demo=True).count(),
        applications=Application.objects.filter(call__is_demo=True).count(),
        agreements=Agreement.objects.filter(application__call__is_demo=True).count(),
        places=Place.objects.filter(source=PlaceSource.DEMO).count(),
        survey_responses=responses,
        other_grants=OtherGrant.objects.filter(is_demo=True).count(),
    )
    return summary if summary.total else None


def territory_choices() -> list[tuple[str, str]]:
    """("", region name) then (code, name) of each département with communes."""
    from tierslieux.territory.models import Departement

    deps = Departement.objects.annotate(n=Count("communes")).filter(n__gt=0).order_by("code")
    return [("", settings.TERRITORY_REGION_NAME)] + [(d.code, str(d)) for d in deps]
