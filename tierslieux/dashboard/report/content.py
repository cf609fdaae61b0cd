"""What the dashboard shows and the yearly evaluation report prints, built once from the selectors.

``dashboard_content`` reads the indicators (``selectors``, records read once) for a year, a
territory and a choice of records (with or without demo data) and turns them into key-figure
cards, the charts of ``sections.CHARTS`` with their tables and the per-département table, every
value already formatted in the active language. The dashboard page and the two report files
(``xlsx.report_xlsx``, ``pdf.report_pdf``) are rendered from this one object, so that a figure
reads the same on the page and in the files.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.dashboard import charts, selectors
from tierslieux.dashboard.charts import Chart, Series, Table
from tierslieux.dashboard.definitions import Code
from tierslieux.dashboard.report.formatting import (
    Card,
    card,
    demo_notice_text,
    fill,
    format_date,
    format_value,
)
from tierslieux.dashboard.report.sections import (
    CARD_CODES,
    CHARTS,
    DEPARTEMENT_CODES,
    WHERE,
    ChartSpec,
    DepartementChart,
    LineChart,
    MoneyChart,
)
from tierslieux.dashboard.selectors import DemoSummary, Indicators, IndicatorSeries, MapData

Reporter = Callable[[float, str], None]

CONTENT_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class DashboardContent:
    year: int
    on: datetime.date
    departement: str | None
    territory_name: str
    since: int
    include_demo: bool
    demo: DemoSummary | None
    indicators: Indicators
    series: IndicatorSeries
    departements: list[Indicators]
    cards: list[Card]
    charts: list[Chart]
    departement_table: Table
    money_table: Table
    generated_at: datetime.datetime
    coverage_map: Chart | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def shows_demo(self) -> bool:
        """True when the figures include demo records (the banner and the notices say so)."""
        return self.include_demo and self.demo is not None

    @property
    def on_display(self) -> str:
        return format_date(self.on)

    def card(self, code: str) -> Card:
        for item in self.cards:
            if item.code == code:
                return item
        raise KeyError(code)


def demo_notice(content: DashboardContent) -> str:
    """What the reader must know about the demo records of these figures."""
    return demo_notice_text(shows_demo=content.shows_demo, holds_demo=content.demo is not None)


def evaluation_date(year: int, *, today: datetime.date | None = None) -> datetime.date:
    """31 December of a past year, today for the current year (as the series do)."""
    today = today or clock.today()
    return datetime.date(year, 12, 31) if year < today.year else today


# ---------------------------------------------------------------- the table of charts


@dataclass(frozen=True)
class Inputs:
    """What the charts draw from."""

    series: IndicatorSeries
    indicators: Indicators
    departements: list[Indicators]
    region: bool

    @property
    def texts(self) -> dict[str, object]:
        return {"where": self.series.territory_name, "target": settings.MESH_TARGET_PLACES}


def _line_chart(spec: LineChart, data: Inputs) -> Chart:
    s, texts = data.series, data.texts
    series = [
        Series(
            s.territory_name if line.label is WHERE else fill(line.label, texts),
            [p.value for p in s.points(line.code)],
        )
        for line in spec.lines
        if data.region or not line.region_only
    ]
    target = spec.target
    label = fill(spec.target_label, texts) if spec.target_label else ""
    if spec.target_places:
        target = settings.MESH_TARGET_PLACES if data.region else None
        label = label if target else ""
    return charts.line_chart(
        chart_id=spec.id,
        title=fill(spec.title, texts),
        description=str(spec.description),
        years=list(s.years),
        series=series,
        value_format=spec.value_format,
        target=target,
        target_label=label,
        **({"note": s.points(spec.note_from)[-1].note} if spec.note_from else {}),
    )


def _money_chart(spec: MoneyChart, data: Inputs) -> Chart:
    money = data.indicators.money
    years = money.years
    title = fill(spec.title, {"where": data.indicators.territory_name})
    if spec.by_line:
        by_line = [
            Series(
                label,
                [(c.committed_cents if (c := money.cell(year, code)) else 0) for year in years],
            )
            for code, label in money.lines
        ]
        return charts.bar_chart(
            chart_id=spec.id,
            title=title,
            description=str(spec.description),
            categories=years,
            series=by_line or [Series(_("Committed"), [0] * len(years))],
            value_format="euros",
            stacked=True,
            first_column=_("Year"),
            total_label=_("Total"),
        )
    by_year = money.by_year()
    return charts.bar_chart(
        chart_id=spec.id,
        title=title,
        description=str(spec.description),
        categories=years,
        series=[
            Series(_("Committed"), [c for _y, c, _p in by_year]),
            Series(_("Paid"), [p for _y, _c, p in by_year]),
        ],
        value_format="euros",
        first_column=_("Year"),
    )


def _departement_chart(spec: DepartementChart, data: Inputs) -> Chart | None:
    if not data.region:
        return None
    deps = data.departements
    return charts.bar_chart(
        chart_id=spec.id,
        title=str(spec.title),
        description=str(spec.description),
        categories=[d.departement for d in deps],
        category_labels=[f"{d.departement} {d.territory_name}" for d in deps],
        series=[Series(str(spec.label), [d.value(spec.code) for d in deps])],
        value_format="count",
        horizontal=True,
        first_column=_("Département"),
    )


def chart_build(spec: ChartSpec, data: Inputs) -> Chart | None:
    """The chart of one row of the table (None when it does not apply to the territory)."""
    if isinstance(spec, LineChart):
        return _line_chart(spec, data) if data.series.years else None
    if isinstance(spec, MoneyChart):
        return _money_chart(spec, data)
    return _departement_chart(spec, data)


def charts_build(data: Inputs, specs: tuple[ChartSpec, ...] = CHARTS) -> list[Chart]:
    return [chart for spec in specs if (chart := chart_build(spec, data)) is not None]


# ---------------------------------------------------------------- tables


def money_table(indicators: Indicators) -> Table:
    """The money table: one row per year and line."""
    money = indicators.money
    rows = []
    raw = []
    for row in money.rows:
        rows.append(
            (
                str(row.year),
                (
                    row.line_label,
                    charts.fmt_euros(row.committed_cents),
                    charts.fmt_euros(row.paid_cents),
                ),
            )
        )
        raw.append((row.year, (row.line, row.line_label, row.committed_cents, row.paid_cents)))
    return Table(
        caption=_("Amounts committed and paid per year and budget line since %(since)s, %(where)s")
        % {"since": money.since, "where": indicators.territory_name},
        columns=(_("Year"), _("Budget line"), _("Committed"), _("Paid")),
        rows=tuple(rows),
        raw=tuple(raw),
    )


def departement_table(departements: list[Indicators], region: Indicators) -> Table:
    if not departements:
        return Table(caption="", columns=(), rows=())
    first = departements[0]
    columns = (_("Département"), *(first[c].label for c in DEPARTEMENT_CODES if first.get(c)))
    rows = []
    raw = []
    for item in [*departements, region]:
        codes = [c for c in DEPARTEMENT_CODES if item.get(c) is not None]
        name = (
            f"{item.departement} {item.territory_name}"
            if item.departement
            else _("Region: %(name)s") % {"name": item.territory_name}
        )
        rows.append((name, tuple(format_value(c, item[c].unit, item[c].value) for c in codes)))
        raw.append((item.departement or "", tuple(item[c].value for c in codes)))
    return Table(
        caption=_("Key figures per département on %(date)s") % {"date": format_date(region.on)},
        columns=columns,
        rows=tuple(rows),
        raw=tuple(raw),
    )


def map_chart(data: MapData) -> Chart:
    """The coverage map: communes coloured by mean travel time, white zones hatched."""
    title = _("Mean travel time to the nearest open tiers-lieu on %(date)s") % {
        "date": format_date(data.on)
    } + (f", {data.departement} {data.departement_name}" if data.departement else "")
    description = _(
        "Map of the communes coloured by the mean travel time of their inhabitants to the "
        "nearest open tiers-lieu (straight line × %(detour)s at %(speed)s km/h); white zones "
        "(fewer than half of the inhabitants within 20 minutes) are hatched; black dots are "
        "the open tiers-lieux. The table gives the communes and inhabitants per class."
    ) % {
        "detour": charts.fmt_number(data.detour_factor, 1),
        "speed": charts.fmt_int(data.speed_kmh),
    }
    chart = charts.coverage_map(
        chart_id="chart-map",
        title=title,
        description=description,
        communes=data.communes,
        places=data.places,
        caption=_("Communes and inhabitants per class of mean travel time"),
    )
    note = (
        _(
            "The map counts the published tiers-lieux of the directory open on the date and "
            "the %(count)s demo places open then."
        )
        % {"count": data.demo_places}
        if data.demo_places
        else _("The map counts the published tiers-lieux of the directory open on the date.")
    )
    return Chart(
        id=chart.id,
        title=chart.title,
        description=chart.description,
        svg=chart.svg,
        table=chart.table,
        note=note,
    )


# ---------------------------------------------------------------- the content


def dashboard_content_cached(
    *, year: int, departement: str | None, since: int, include_demo: bool
) -> DashboardContent:
    """``dashboard_content`` kept in the cache until a record changes (or for an hour)."""
    key = (
        f"dashboard:content:v1:{get_language()}:{year}:{departement or '-'}:{since}:"
        f"{int(include_demo)}:{selectors.records_region_code() or '-'}:"
        f"{selectors.records_fingerprint()}"
    )
    return cache.get_or_set(
        key,
        lambda: dashboard_content(
            year=year, departement=departement, since=since, include_demo=include_demo
        ),
        timeout=CONTENT_CACHE_SECONDS,
    )


def dashboard_content(
    *,
    year: int,
    departement: str | None = None,
    since: int = selectors.DEFAULT_SINCE,
    include_demo: bool = True,
    with_map: bool = False,
    report: Reporter | None = None,
) -> DashboardContent:
    """Every figure, chart and table of the dashboard for ``year`` and a territory."""
    say = report or (lambda _f, _m="": None)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    on = evaluation_date(year)
    since = min(since, year)
    with selectors.records_shared():  # the records are read once for everything below
        say(0.05, "Computing the indicators")
        series = selectors.indicator_series_many(
            years=range(since, year + 1),
            departements=[departement],
            include_demo=include_demo,
            since=since,
        )[0]
        indicators = selectors.indicators_compute(
            on=on, departement=departement, include_demo=include_demo, since=since
        )
        timings["indicators"] = time.perf_counter() - start
        say(0.35, "Computing the figures per département")
        departements = selectors.indicators_by_departement(
            on=on, include_demo=include_demo, since=since
        )
        region = (
            indicators
            if departement is None
            else selectors.indicators_compute(on=on, include_demo=include_demo, since=since)
        )
    timings["departements"] = time.perf_counter() - start - timings["indicators"]
    say(0.5, "Drawing the charts")
    t = time.perf_counter()
    content = content_assemble(
        year=year,
        since=since,
        include_demo=include_demo,
        demo=selectors.demo_summary(),
        indicators=indicators,
        series=series,
        departements=departements,
        region=region,
        generated_at=clock.now(),
    )
    timings["charts"] = time.perf_counter() - t
    if with_map:
        say(0.6, "Drawing the coverage map")
        t = time.perf_counter()
        coverage_map = map_chart(
            selectors.coverage_map_read(on=on, departement=departement, include_demo=include_demo)
        )
        content = replace(content, coverage_map=coverage_map)
        timings["map"] = time.perf_counter() - t
    return replace(content, timings=timings)


def content_assemble(
    *,
    year: int,
    since: int,
    include_demo: bool,
    demo: DemoSummary | None,
    indicators: Indicators,
    series: IndicatorSeries,
    departements: list[Indicators],
    region: Indicators,
    generated_at: datetime.datetime,
) -> DashboardContent:
    """The cards, charts and tables of computed indicators (no database): ``indicators`` for
    the territory, ``series`` by year, ``departements`` and ``region`` on the same date."""
    cards = [card(indicators[c], indicators) for c in CARD_CODES if indicators.get(c)]
    cards = [c for c in cards if not (c.code == Code.PLACES_TARGET_PROGRESS and c.value is None)]
    inputs = Inputs(
        series=series,
        indicators=indicators,
        departements=departements,
        region=indicators.departement is None,
    )
    return DashboardContent(
        year=year,
        on=indicators.on,
        departement=indicators.departement,
        territory_name=indicators.territory_name,
        since=since,
        include_demo=include_demo,
        demo=demo,
        indicators=indicators,
        series=series,
        departements=departements,
        cards=cards,
        charts=charts_build(inputs),
        departement_table=departement_table(departements, region),
        money_table=money_table(indicators),
        generated_at=generated_at,
    )
