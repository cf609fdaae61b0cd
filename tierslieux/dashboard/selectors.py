"""The evaluation indicators for a date and a territory: the public API of the indicator engine.

Nothing is typed in: every figure is recomputed from the places, the communes, the calls'
decisions, the conventions' payment tranches, the survey answers and the other grants. The
records are read once into plain data (``indicators.reader``), then any number of (date,
territory) pairs are evaluated by pure functions (``indicators.engine``, one function per
indicator beside its definition), so that a ten-year series for the region and its
départements takes a few seconds. Coverage (the 20-minute mesh) runs the analytics core once
per set of open places and is cached per (places, parameters). See ADR 0020.

Caching: inside ``with records_shared():`` the records are read once per choice of demo data
for every selector called in the block (the dashboard and the report read them once);
``indicators_compute_cached`` keeps a result until a record changes.

Territory: ``departement=None`` is the region (every loaded commune), else a département code.
Region: inside ``with records_region(code):`` the records are those of one region (its communes,
places, survey answers, the money of its calls and its other grants; ADR 0029); outside it,
those of every region the deployment serves.
Demo data: with ``include_demo=False``, records of demo calls (``Call.is_demo``), demo places
(``source == "demo"``), demo surveys and demo other grants are left out.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from tierslieux.core import clock
from tierslieux.core.regions import region_name
from tierslieux.dashboard.indicators import engine, reader
from tierslieux.dashboard.indicators.codes import Code, Unit
from tierslieux.dashboard.indicators.data import (
    CENSUS_DATE,
    DEFAULT_SINCE,
    DEFAULT_SURVIVAL_YEARS,
    MONEY_LINES,
    Records,
)
from tierslieux.dashboard.indicators.funding import money_table
from tierslieux.dashboard.indicators.reader import MapData
from tierslieux.dashboard.indicators.registry import DEFINITIONS, PLACE_COUNT_CODES
from tierslieux.dashboard.indicators.results import (
    DemoSummary,
    Indicator,
    Indicators,
    IndicatorSeries,
    MoneyRow,
    MoneyTable,
    SeriesPoint,
)
from tierslieux.territory import national
from tierslieux.territory.mesh import MeshParams
from tierslieux.territory.national import NationalReport

__all__ = [
    "CENSUS_DATE",
    "DEFAULT_SINCE",
    "DEFAULT_SURVIVAL_YEARS",
    "DEFINITIONS",
    "MONEY_LINES",
    "PLACE_COUNT_CODES",
    "Code",
    "DemoSummary",
    "Indicator",
    "IndicatorSeries",
    "Indicators",
    "MapData",
    "MoneyRow",
    "MoneyTable",
    "SeriesPoint",
    "Unit",
    "coverage_map_read",
    "demo_summary",
    "indicator_records",
    "indicator_series",
    "indicator_series_many",
    "indicators_by_departement",
    "indicators_compute",
    "indicators_compute_cached",
    "money_by_year",
    "records_fingerprint",
    "records_region",
    "records_region_code",
    "records_shared",
    "series_dates",
    "territory_choices",
]

RESULT_CACHE_SECONDS = 3600

_SHARED: ContextVar[dict[tuple[bool, str | None], Records] | None] = ContextVar(
    "indicator_records", default=None
)
_REGION: ContextVar[str | None] = ContextVar("indicator_region", default=None)


@contextmanager
def records_region(region_code: str | None) -> Iterator[None]:
    """Within the block, the figures are those of ``region_code`` (``None``: every region)."""
    token = _REGION.set(region_code)
    try:
        yield
    finally:
        _REGION.reset(token)


def records_region_code() -> str | None:
    """The region the figures are computed for (``None``: every region)."""
    return _REGION.get()


@contextmanager
def records_shared() -> Iterator[None]:
    """Within the block, every selector reads the records once per choice of demo data (nest
    freely; the records are dropped when the outermost block ends)."""
    token = _SHARED.set({}) if _SHARED.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _SHARED.reset(token)


def indicator_records(*, include_demo: bool = True) -> Records:
    """The records as plain data (shared inside ``records_shared``)."""
    region = _REGION.get()
    shared = _SHARED.get()
    if shared is None:
        return reader.records_load(include_demo=include_demo, region_code=region)
    if (include_demo, region) not in shared:
        shared[include_demo, region] = reader.records_load(
            include_demo=include_demo, region_code=region
        )
    return shared[include_demo, region]


def records_fingerprint() -> str:
    """Count and latest change of each kind of record the figures rest on, and today."""
    return reader.records_fingerprint()


def _today() -> datetime.date:
    return clock.today()


def _evaluate(
    records: Records,
    *,
    on: datetime.date,
    departements: Sequence[str | None],
    since: int,
    survival_years: int,
    with_coverage: bool,
) -> list[Indicators]:
    coverage = coverage_date = None
    if with_coverage and engine.coverage_unknown(records, on):
        coverage = {}  # open places unknown on that date: so is the coverage
    elif with_coverage:
        coverage = reader.coverage_compute(records, engine.open_places(records, on))
        coverage_date = engine.coverage_data_date(records, on)
    return engine.snapshots(
        records,
        reader.params_read(_REGION.get()),
        on=on,
        departements=departements,
        since=since,
        survival_years=survival_years,
        coverage=coverage,
        coverage_date=coverage_date,
    )


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
    return _evaluate(
        indicator_records(include_demo=include_demo),
        on=on or _today(),
        departements=[departement],
        since=since,
        survival_years=survival_years,
        with_coverage=with_coverage,
    )[0]


def indicators_compute_cached(
    *,
    on: datetime.date | None = None,
    departement: str | None = None,
    include_demo: bool = True,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    with_coverage: bool = True,
) -> Indicators:
    """``indicators_compute`` kept in the cache (per language, options and reference figures)
    until a record changes, or for an hour."""
    on = on or _today()
    parts = ":".join(
        str(part)
        for part in (
            get_language(),
            on.isoformat(),
            departement or "-",
            _REGION.get() or "-",
            int(include_demo),
            since,
            survival_years,
            int(with_coverage),
            repr(reader.params_read(_REGION.get())),
            reader.coverage_params_key(),
            records_fingerprint(),
        )
    )
    key = "dashboard:indicators:v1:" + hashlib.sha256(parts.encode()).hexdigest()[:32]
    return cache.get_or_set(
        key,
        lambda: indicators_compute(
            on=on,
            departement=departement,
            include_demo=include_demo,
            since=since,
            survival_years=survival_years,
            with_coverage=with_coverage,
        ),
        timeout=RESULT_CACHE_SECONDS,
    )


def indicators_by_departement(
    *,
    on: datetime.date | None = None,
    include_demo: bool = True,
    since: int = DEFAULT_SINCE,
    survival_years: int = DEFAULT_SURVIVAL_YEARS,
    with_coverage: bool = True,
) -> list[Indicators]:
    """Every indicator on ``on`` for each département of the territory, by code."""
    records = indicator_records(include_demo=include_demo)
    return _evaluate(
        records,
        on=on or _today(),
        departements=records.departements(),
        since=since,
        survival_years=survival_years,
        with_coverage=with_coverage,
    )


def series_dates(
    years: Iterable[int], *, today: datetime.date | None = None
) -> list[tuple[int, datetime.date]]:
    """(year, date evaluated): 31 December of past years, today for the current year; future
    years are dropped."""
    return engine.series_dates(years, today=today or _today())


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
    records = indicator_records(include_demo=include_demo)
    deps: list[str | None] = (
        list(departements) if departements is not None else [None, *records.departements()]
    )
    dates = series_dates(years)
    per_date = [
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
    return engine.series(
        records,
        reader.params_read(_REGION.get()),
        dates=dates,
        departements=deps,
        per_date=per_date,
    )


def money_by_year(
    *,
    since: int = DEFAULT_SINCE,
    departement: str | None = None,
    include_demo: bool = True,
    on: datetime.date | None = None,
) -> MoneyTable:
    """Amounts committed and paid per year and line, from ``since`` to the year of ``on``."""
    records = indicator_records(include_demo=include_demo)
    return money_table(
        records.committed, records.paid, on=on or _today(), since=since, departement=departement
    )


def demo_summary() -> DemoSummary | None:
    """Counts of demo records, or None when there are none."""
    summary = reader.demo_summary_read()
    return summary if summary.total else None


def coverage_map_read(
    *, on: datetime.date, departement: str | None, include_demo: bool = True
) -> MapData:
    """What the coverage map of ``on`` draws: the communes' mean travel time to the nearest
    open place (the same places as the indicators) and those places."""
    return reader.map_read(
        on=on, departement=departement, include_demo=include_demo, region_code=_REGION.get()
    )


def territory_choices() -> list[tuple[str, str]]:
    """("", region name) then (code, name) of each département with communes (of the region
    of ``records_region`` when one is set)."""
    region = _REGION.get()
    name = region_name(region) if region else settings.TERRITORY_REGION_NAME
    return [("", name), *reader.departements_read(region)]


def national_comparison() -> NationalReport | None:
    """The regions the deployment serves compared across borders (the mesh page's national
    view, from the totals computed once); None when it serves a single region."""
    regions = tuple(settings.TERRITORY_REGIONS)
    if len(regions) < 2:
        return None
    loaded = set(national.loaded_regions())
    regions = tuple(code for code in regions if code in loaded)
    if not regions:
        return None
    totals = national.national_totals_cached(MeshParams.from_settings())
    return national.national_report(totals, regions)
