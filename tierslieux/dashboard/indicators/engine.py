"""Every indicator for a date and a territory, and series by year: pure, on ``Records``.

``snapshot`` runs the registry's functions on one ``Scope``; ``snapshots`` evaluates several
territories on one date; ``series`` gathers snapshots by year. The coverage (the only figure
that needs the population grid) is passed in, computed by the caller for the open places.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.utils.formats import date_format
from django.utils.translation import gettext as gettext_now

from tierslieux.dashboard.indicators.data import Params, Place, Records, latest
from tierslieux.dashboard.indicators.funding import scope_money
from tierslieux.dashboard.indicators.registry import INDICATORS, PLACE_COUNT_CODES
from tierslieux.dashboard.indicators.results import Indicators, IndicatorSeries
from tierslieux.dashboard.indicators.scope import Scope

Coverage = dict[str, tuple[float, float]]


def snapshot(
    records: Records,
    params: Params,
    *,
    on: datetime.date,
    departement: str | None,
    since: int,
    survival_years: int,
    coverage: Coverage | None = None,
    coverage_date: datetime.date | None = None,
) -> Indicators:
    """Every indicator on ``on`` for the region (``departement=None``) or one département."""
    scope = Scope(
        records=records,
        params=params,
        on=on,
        departement=departement,
        since=since,
        survival_years=survival_years,
        coverage=coverage,
        coverage_date=coverage_date,
    )
    rows = [row for entry in INDICATORS if (row := entry.compute(scope)) is not None]
    if records.directory_known_from and on < records.directory_known_from:
        unknown = str(
            gettext_now("not known before %(date)s: the places of that source have no opening date")
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
        territory_name=records.territory_name(departement, params.region_name),
        include_demo=records.include_demo,
        since=since,
        survival_years=survival_years,
        rows=tuple(rows),
        money=scope.shared(scope_money),
    )


def coverage_unknown(records: Records, on: datetime.date) -> bool:
    """Open places are unknown on ``on`` (before the directory is complete): so is coverage."""
    return bool(records.directory_known_from and on < records.directory_known_from)


def open_places(records: Records, on: datetime.date) -> list[Place]:
    """The counted places open on ``on`` (those the coverage is computed for)."""
    return [p for p in records.places if p.counted and p.open_on(on)]


def coverage_data_date(records: Records, on: datetime.date) -> datetime.date | None:
    """The latest change of a counted place on or before ``on`` (the coverage's data date)."""
    return latest(p.last_change_on(on) for p in records.places if p.counted)


def snapshots(
    records: Records,
    params: Params,
    *,
    on: datetime.date,
    departements: Sequence[str | None],
    since: int,
    survival_years: int,
    coverage: Coverage | None = None,
    coverage_date: datetime.date | None = None,
) -> list[Indicators]:
    """``snapshot`` for each territory of ``departements`` on one date."""
    return [
        snapshot(
            records,
            params,
            on=on,
            departement=dep,
            since=since,
            survival_years=survival_years,
            coverage=coverage,
            coverage_date=coverage_date,
        )
        for dep in departements
    ]


def series_dates(years: Iterable[int], *, today: datetime.date) -> list[tuple[int, datetime.date]]:
    """(year, date evaluated): 31 December of past years, today for the current year; future
    years are dropped."""
    out = []
    for year in sorted(set(years)):
        if year < today.year:
            out.append((year, datetime.date(year, 12, 31)))
        elif year == today.year:
            out.append((year, today))
    return out


def series(
    records: Records,
    params: Params,
    *,
    dates: Sequence[tuple[int, datetime.date]],
    departements: Sequence[str | None],
    per_date: Sequence[Sequence[Indicators]],
) -> list[IndicatorSeries]:
    """One series per territory from the snapshots of each date (``per_date[i][j]``: date i,
    territory j)."""
    return [
        IndicatorSeries(
            departement=dep,
            territory_name=records.territory_name(dep, params.region_name),
            include_demo=records.include_demo,
            years=tuple(y for y, _on in dates),
            snapshots=tuple(snaps[i] for snaps in per_date),
        )
        for i, dep in enumerate(departements)
    ]
