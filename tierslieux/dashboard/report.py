"""What the dashboard shows and the yearly evaluation report prints, built once from the selectors.

``dashboard_content`` reads the indicators (``selectors.py``) for a year, a territory and a
choice of records (with or without demo data) and turns them into key-figure cards, charts with
their tables and the per-département table, every value already formatted in the active
language. The dashboard page and the two report files (``report_xlsx``, ``report_pdf``) are
rendered from this one object, so that a figure reads the same on the page and in the files.
"""

import datetime
import hashlib
import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.exports import workbook_text_only
from tierslieux.dashboard import charts, selectors
from tierslieux.dashboard.charts import Chart, Series, Table
from tierslieux.dashboard.definitions import Code, Unit
from tierslieux.dashboard.selectors import DemoSummary, Indicator, Indicators, IndicatorSeries

Reporter = Callable[[float, str], None]

# Key figures shown as cards, in this order.
CARD_CODES: tuple[str, ...] = (
    Code.OPEN_PLACES,
    Code.INHABITANTS_PER_PLACE,
    Code.RURAL_SHARE,
    Code.SURVIVAL_RATE,
    Code.SERVICES_SHARE,
    Code.UNSURE_SHARE,
    Code.COMMITTED,
    Code.PAID,
    Code.COVERAGE_SHARE,
    Code.PLACES_TARGET_PROGRESS,
)
# Columns of the per-département table.
DEPARTEMENT_CODES: tuple[str, ...] = (
    Code.OPEN_PLACES,
    Code.INHABITANTS_PER_PLACE,
    Code.RURAL_SHARE,
    Code.SURVIVAL_RATE,
    Code.SERVICES_SHARE,
    Code.UNSURE_SHARE,
    Code.COMMITTED,
    Code.PAID,
    Code.COVERAGE_SHARE,
)
# Shares shown with one decimal (the others, like the Région's published figures, with none).
ONE_DECIMAL = frozenset({Code.COVERAGE_SHARE})

CONTENT_CACHE_SECONDS = 3600

DATA_ATTRIBUTION = (
    "Population : Insee, populations légales (Etalab, découpage administratif 6.0.0) ; "
    "© Union européenne, Eurostat, recensement 2021 sur grille 1 km ; "
    "Insee, grille communale de densité 2024. Contours : IGN / Insee. "
    "Tiers-lieux : CGET / ANCT, recensement 2019, et l'annuaire tenu dans ce produit. "
    "Appels, décisions, conventions, paiements et enquêtes : enregistrements de ce produit. "
    "Licence Ouverte 2.0 (Etalab)."
)


# ---------------------------------------------------------------- formatting


def value_kind(code: str, unit: str) -> str:
    """The formatter (``charts.FORMATTERS``) of an indicator's values in tables."""
    if unit == Unit.SHARE:
        return "share1" if code in ONE_DECIMAL else "share"
    if unit == Unit.CENTS:
        return "euros"
    if unit == Unit.RATIO:
        return "number1"
    return "count"


def format_value(code: str, unit: str, value: float | int | None) -> str:
    """An indicator's value as the tables show it."""
    return charts.FORMATTERS[value_kind(code, unit)](value)


def format_card_value(code: str, unit: str, value: float | int | None) -> str:
    """An indicator's value as a key figure shows it (money in millions, like the Région)."""
    if unit == Unit.CENTS:
        return charts.fmt_millions(None if value is None else int(value))
    return format_value(code, unit, value)


def format_date(value: datetime.date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "–"


# ---------------------------------------------------------------- content


@dataclass(frozen=True)
class Card:
    code: str
    label: str
    value: float | int | None
    display: str
    definition: str
    data_date: datetime.date | None
    data_date_display: str
    note: str = ""
    detail: str = ""
    """A comparison: the national figure, the Région's published figure..."""


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
        for card in self.cards:
            if card.code == code:
                return card
        raise KeyError(code)


def evaluation_date(year: int, *, today: datetime.date | None = None) -> datetime.date:
    """31 December of a past year, today for the current year (as the series do)."""
    today = today or clock.today()
    return datetime.date(year, 12, 31) if year < today.year else today


def _card(row: Indicator, indicators: Indicators) -> Card:
    details = []
    if row.code == Code.INHABITANTS_PER_PLACE:
        national = indicators.get(Code.NATIONAL_INHABITANTS_PER_PLACE)
        ratio = indicators.get(Code.DENSITY_RATIO)
        if national is not None and national.value is not None:
            details.append(_("France: %(value)s") % {"value": charts.fmt_int(national.value)})
        if ratio is not None and ratio.value is not None:
            details.append(
                _("%(ratio)s × the national density of tiers-lieux")
                % {"ratio": charts.fmt_number(ratio.value, 1)}
            )
    if row.code == Code.PLACES_TARGET_PROGRESS and row.denominator:
        details.append(
            _("%(open)s open for a target of %(target)s")
            % {"open": charts.fmt_int(row.numerator), "target": charts.fmt_int(row.denominator)}
        )
    if row.unit == Unit.SHARE and row.denominator and row.code != Code.PLACES_TARGET_PROGRESS:
        details.append(
            _("%(numerator)s of %(denominator)s")
            % {
                "numerator": charts.fmt_int(row.numerator),
                "denominator": charts.fmt_int(row.denominator),
            }
        )
    if row.published is not None:
        details.append(
            _("published by the Région: %(value)s")
            % {"value": format_card_value(row.code, row.unit, row.published)}
        )
    return Card(
        code=row.code,
        label=row.label,
        value=row.value,
        display=format_card_value(row.code, row.unit, row.value),
        definition=row.definition,
        data_date=row.data_date,
        data_date_display=format_date(row.data_date),
        note=row.note,
        detail=" · ".join(str(d) for d in details),
    )


def _points(series: IndicatorSeries, code: str) -> list[float | int | None]:
    return [p.value for p in series.points(code)]


def _series_charts(content_series: IndicatorSeries, region: bool) -> list[Chart]:
    s = content_series
    years = list(s.years)
    where = s.territory_name
    if not years:
        return []
    out = []
    target = settings.MESH_TARGET_PLACES if region else None
    out.append(
        charts.line_chart(
            chart_id="chart-open-places",
            title=_("Open tiers-lieux by year, %(where)s") % {"where": where},
            description=_(
                "Line chart of the number of open tiers-lieux on 31 December of each year "
                "(today for the current year); the table beside gives the values."
            ),
            years=years,
            series=[Series(_("Open tiers-lieux"), _points(s, Code.OPEN_PLACES))],
            value_format="count",
            target=target,
            target_label=_("Target: %(target)s places") % {"target": target} if target else "",
        )
    )
    out.append(
        charts.line_chart(
            chart_id="chart-inhabitants",
            title=_("Inhabitants per tiers-lieu, %(where)s and France") % {"where": where},
            description=_(
                "Line chart of the inhabitants per open tiers-lieu in the territory, by year, "
                "against the national figure; fewer inhabitants per place means a denser offer."
            ),
            years=years,
            series=[
                Series(where, _points(s, Code.INHABITANTS_PER_PLACE)),
                Series(_("France"), _points(s, Code.NATIONAL_INHABITANTS_PER_PLACE)),
            ],
            value_format="count",
        )
    )
    out.append(
        charts.line_chart(
            chart_id="chart-rural",
            title=_("Share of tiers-lieux in rural communes, %(where)s") % {"where": where},
            description=_(
                "Line chart of the share of open tiers-lieux located in rural communes "
                "(INSEE density levels 5 to 7), by year."
            ),
            years=years,
            series=[Series(_("Rural share"), _points(s, Code.RURAL_SHARE))],
            value_format="share",
        )
    )
    out.append(
        charts.line_chart(
            chart_id="chart-survival",
            title=_("Funded tiers-lieux still open, %(where)s") % {"where": where},
            description=_(
                "Line chart of the share of funded tiers-lieux still open some years after "
                "their first grant, by year."
            ),
            years=years,
            series=[Series(_("Survival rate"), _points(s, Code.SURVIVAL_RATE))],
            value_format="share",
            note=s.points(Code.SURVIVAL_RATE)[-1].note,
        )
    )
    out.append(
        charts.line_chart(
            chart_id="chart-survey",
            title=_("Services and business model (survey of places), %(where)s") % {"where": where},
            description=_(
                "Line chart, by year, of the share of tiers-lieux offering services beyond the "
                "workspace and of the share of survey answers unsure of their business model."
            ),
            years=years,
            series=[
                Series(_("Offering other services"), _points(s, Code.SERVICES_SHARE)),
                Series(_("Unsure of their business model"), _points(s, Code.UNSURE_SHARE)),
            ],
            value_format="share",
        )
    )
    coverage = _points(s, Code.COVERAGE_SHARE)
    coverage_series = [Series(_("Inhabitants within 20 minutes"), coverage)]
    if region:
        coverage_series.append(
            Series(
                _("Progress toward %(target)s places") % {"target": settings.MESH_TARGET_PLACES},
                _points(s, Code.PLACES_TARGET_PROGRESS),
            )
        )
    out.append(
        charts.line_chart(
            chart_id="chart-coverage",
            title=_("Coverage within 20 minutes, %(where)s") % {"where": where},
            description=_(
                "Line chart, by year, of the share of inhabitants within 20 minutes of an open "
                "tiers-lieu, and of the progress toward the target number of places; the "
                "dashed line is 100 %."
            ),
            years=years,
            series=coverage_series,
            value_format="share1",
            target=1.0,
            target_label=_("100 %"),
        )
    )
    return out


def _money_charts(indicators: Indicators) -> tuple[list[Chart], Table]:
    money = indicators.money
    years = money.years
    lines = money.lines
    committed_by_line = [
        Series(
            label,
            [(cell.committed_cents if (cell := money.cell(year, code)) else 0) for year in years],
        )
        for code, label in lines
    ]
    out = [
        charts.bar_chart(
            chart_id="chart-money-lines",
            title=_("Amounts committed per year and budget line, %(where)s")
            % {"where": indicators.territory_name},
            description=_(
                "Stacked bar chart of the amounts committed each year, one colour and hatch per "
                "budget line (the calls by kind, the support to the regional network...)."
            ),
            categories=years,
            series=committed_by_line or [Series(_("Committed"), [0] * len(years))],
            value_format="euros",
            stacked=True,
            first_column=_("Year"),
            total_label=_("Total"),
        )
    ]
    by_year = money.by_year()
    out.append(
        charts.bar_chart(
            chart_id="chart-money",
            title=_("Amounts committed and paid per year, %(where)s")
            % {"where": indicators.territory_name},
            description=_(
                "Bar chart of the amounts committed and the amounts paid each year, side by side."
            ),
            categories=years,
            series=[
                Series(_("Committed"), [c for _y, c, _p in by_year]),
                Series(_("Paid"), [p for _y, _c, p in by_year]),
            ],
            value_format="euros",
            first_column=_("Year"),
        )
    )
    # The money table: one row per year and line.
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
    table = Table(
        caption=_("Amounts committed and paid per year and budget line since %(since)s, %(where)s")
        % {"since": money.since, "where": indicators.territory_name},
        columns=(_("Year"), _("Budget line"), _("Committed"), _("Paid")),
        rows=tuple(rows),
        raw=tuple(raw),
    )
    return out, table


def _departement_table(departements: list[Indicators], region: Indicators) -> Table:
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


def _departement_chart(departements: list[Indicators]) -> Chart:
    return charts.bar_chart(
        chart_id="chart-departements",
        title=_("Open tiers-lieux and inhabitants per place, by département"),
        description=_(
            "Horizontal bar chart of the number of open tiers-lieux in each département; the "
            "table beside also gives the inhabitants per place."
        ),
        categories=[d.departement for d in departements],
        category_labels=[f"{d.departement} {d.territory_name}" for d in departements],
        series=[Series(_("Open tiers-lieux"), [d.value(Code.OPEN_PLACES) for d in departements])],
        value_format="count",
        horizontal=True,
        first_column=_("Département"),
    )


def _map_chart(on: datetime.date, departement: str | None, include_demo: bool) -> Chart:
    """The coverage map on ``on``: communes coloured by mean travel time, white zones hatched."""
    import numpy as np

    from tierslieux.places.models import Place, PlaceSource
    from tierslieux.territory.mesh import MeshParams, Sites, mesh_report, places_read
    from tierslieux.territory.mesh_cache import mesh_report_cached
    from tierslieux.territory.models import Commune

    params = MeshParams.from_settings(on=on)
    # The same places as the indicators: the published ones, plus the (unpublished) demo
    # places when demo data is shown.
    demo_rows = (
        list(
            Place.objects.filter(source=PlaceSource.DEMO, is_published=False)
            .open_on(on)
            .order_by("pk")
            .values_list("pk", "lon", "lat")
        )
        if include_demo
        else []
    )
    if demo_rows:
        extra = Sites(
            ids=np.array([r[0] for r in demo_rows], dtype=np.int64),
            lon=np.array([r[1] for r in demo_rows], dtype=np.float64),
            lat=np.array([r[2] for r in demo_rows], dtype=np.float64),
        )
        report = mesh_report(params, extra_sites=extra)
    else:
        report = mesh_report_cached(params)
    rows = {r.code: r for r in report.communes}
    communes = Commune.objects.order_by("code")
    if departement:
        communes = communes.filter(departement_id=departement)
    data = [
        (
            code,
            geometry,
            rows[code].mean_minutes if code in rows else None,
            bool(rows[code].is_white_zone) if code in rows else False,
            rows[code].population if code in rows else 0,
        )
        for code, geometry in communes.values_list("code", "geometry")
    ]
    places = places_read(on=on)
    points = list(zip(places.lon.tolist(), places.lat.tolist(), strict=True))
    points += [(lon, lat) for _pk, lon, lat in demo_rows]
    name = next((d.name for d in report.departements if d.code == departement), "")
    title = _("Mean travel time to the nearest open tiers-lieu on %(date)s") % {
        "date": format_date(on)
    } + (f", {departement} {name}" if departement else "")
    description = _(
        "Map of the communes coloured by the mean travel time of their inhabitants to the "
        "nearest open tiers-lieu (straight line × %(detour)s at %(speed)s km/h); white zones "
        "(fewer than half of the inhabitants within 20 minutes) are hatched; black dots are "
        "the open tiers-lieux. The table gives the communes and inhabitants per class."
    ) % {
        "detour": charts.fmt_number(params.detour_factor, 1),
        "speed": charts.fmt_int(params.speed_kmh),
    }
    if departement:
        bounds = [_bounds(g) for _c, g, *_rest in data]
        if bounds:
            west = min(b[0] for b in bounds)
            south = min(b[1] for b in bounds)
            east = max(b[2] for b in bounds)
            north = max(b[3] for b in bounds)
            points = [
                (lon, lat) for lon, lat in points if west <= lon <= east and south <= lat <= north
            ]
    chart = charts.coverage_map(
        chart_id="chart-map",
        title=title,
        description=description,
        communes=data,
        places=points,
        caption=_("Communes and inhabitants per class of mean travel time"),
    )
    note = (
        _(
            "The map counts the published tiers-lieux of the directory open on the date and "
            "the %(count)s demo places open then."
        )
        % {"count": len(demo_rows)}
        if demo_rows
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


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    import shapely

    return tuple(shapely.bounds(shapely.geometry.shape(geometry)).tolist())  # type: ignore[return-value]


def records_fingerprint() -> str:
    """What the figures depend on: count and latest change of each kind of record (a change
    gives new figures; the cached content of the page is keyed by it)."""
    from django.apps import apps
    from django.db.models import Count, Max

    parts = []
    for label in (
        "places.Place",
        "calls.Call",
        "calls.Application",
        "calls.Decision",
        "agreements.Agreement",
        "agreements.PaymentTranche",
        "surveys.Survey",
        "surveys.SurveyResponse",
        "dashboard.OtherGrant",
        "territory.Commune",
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        fields = {f.name for f in model._meta.get_fields()}
        aggregates = {"n": Count("pk")}
        if "updated_at" in fields:
            aggregates["latest"] = Max("updated_at")
        row = model.objects.aggregate(**aggregates)
        parts.append(f"{label}:{row['n']}:{row.get('latest') or '-'}")
    parts.append(clock.today().isoformat())
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def dashboard_content_cached(
    *, year: int, departement: str | None, since: int, include_demo: bool
) -> DashboardContent:
    """``dashboard_content`` kept in the cache until a record changes (or for an hour)."""
    from django.core.cache import cache
    from django.utils.translation import get_language

    key = (
        f"dashboard:content:v1:{get_language()}:{year}:{departement or '-'}:{since}:"
        f"{int(include_demo)}:{records_fingerprint()}"
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
    say(0.05, "Computing the indicators")
    series_list = selectors.indicator_series_many(
        years=range(since, year + 1),
        departements=[departement],
        include_demo=include_demo,
        since=since,
    )
    series = series_list[0]
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
    cards = [_card(indicators[c], indicators) for c in CARD_CODES if indicators.get(c)]
    cards = [c for c in cards if not (c.code == Code.PLACES_TARGET_PROGRESS and c.value is None)]
    chart_list = _series_charts(series, region=departement is None)
    money_charts, money_table = _money_charts(indicators)
    chart_list.extend(money_charts)
    if departement is None:
        chart_list.append(_departement_chart(departements))
    timings["charts"] = time.perf_counter() - t
    coverage_map = None
    if with_map:
        say(0.6, "Drawing the coverage map")
        t = time.perf_counter()
        coverage_map = _map_chart(on, departement, include_demo)
        timings["map"] = time.perf_counter() - t
    return DashboardContent(
        year=year,
        on=on,
        departement=departement,
        territory_name=indicators.territory_name,
        since=since,
        include_demo=include_demo,
        demo=selectors.demo_summary(),
        indicators=indicators,
        series=series,
        departements=departements,
        cards=cards,
        charts=chart_list,
        departement_table=_departement_table(departements, region),
        money_table=money_table,
        generated_at=clock.now(),
        coverage_map=coverage_map,
        timings=timings,
    )


# ---------------------------------------------------------------- files


def report_filename(content: DashboardContent, extension: str) -> str:
    where = content.departement or "region"
    demo = "" if content.shows_demo or not content.demo else "-sans-demo"
    return f"rapport-evaluation-tiers-lieux-{content.year}-{where}{demo}.{extension}"


def demo_notice(content: DashboardContent) -> str:
    if content.shows_demo:
        return _(
            "These figures include demonstration data: made-up records generated to try the "
            "product. They do not describe the real policy."
        )
    if content.demo is not None:
        return _("Demonstration data held in the database is left out of these figures.")
    return ""


PDF_VARIANT = "pdf/ua-1"


def report_pdf(content: DashboardContent) -> bytes:
    """The yearly evaluation report as PDF (WeasyPrint, from ``dashboard/report_pdf.html``)."""
    from weasyprint import HTML

    # WeasyPrint logs each layout step (INFO) and every CSS property of the SVG it does not
    # use (WARNING): noise in the worker's log, not problems of the report.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    html = render_to_string(
        "dashboard/report_pdf.html",
        {
            "content": content,
            "demo_notice": demo_notice(content),
            "attribution": DATA_ATTRIBUTION,
            "definitions": [(row.label, row.definition) for row in content.indicators.rows],
            "generated_display": date_format(
                timezone.localtime(content.generated_at), "DATETIME_FORMAT"
            ),
        },
    )
    # Tagged PDF (PDF/UA-1): structure tree, document language (the page's ``lang``) and title
    # (the page's ``<title>``), so that screen readers read the report in order.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(pdf_variant=PDF_VARIANT)


def _xlsx_value(unit: str, value: float | int | None) -> float | int | None:
    if value is None:
        return None
    if unit == Unit.CENTS:
        return round(value / 100, 2)
    return value


def _xlsx_format(code: str, unit: str) -> str:
    if unit == Unit.SHARE:
        return "0.0%" if code in ONE_DECIMAL else "0%"
    if unit == Unit.CENTS:
        return '#,##0.00 "€"'
    if unit == Unit.RATIO:
        return "0.0"
    return "#,##0"


def report_xlsx(content: DashboardContent) -> bytes:
    """The yearly evaluation report as XLSX (openpyxl): key figures, series, départements,
    money, survey, sources."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    book = Workbook()

    def header(sheet: Any, titles: list[str]) -> None:
        sheet.append(titles)
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.freeze_panes = sheet.cell(row=sheet.max_row + 1, column=1)

    def widths(sheet: Any, values: list[int]) -> None:
        for i, width in enumerate(values, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width

    # Key figures.
    sheet = book.active
    sheet.title = _("Key figures")[:31]
    sheet.append(
        [
            _("Evaluation of the tiers-lieux policy, %(where)s, %(year)s")
            % {"where": content.territory_name, "year": content.year}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Figures on %(date)s") % {"date": content.on_display}])
    notice = demo_notice(content)
    sheet.append([notice])
    if content.shows_demo:
        sheet["A3"].font = Font(bold=True, color="B00020")
    header(
        sheet,
        [
            _("Code"),
            _("Indicator"),
            _("Value"),
            _("As shown"),
            _("Unit"),
            _("Published by the Région"),
            _("Data date"),
            _("Note"),
            _("Definition"),
        ],
    )
    for row in content.indicators.rows:
        sheet.append(
            [
                row.code,
                row.label,
                _xlsx_value(row.unit, row.value),
                format_card_value(row.code, row.unit, row.value),
                row.unit,
                _xlsx_value(row.unit, row.published),
                row.data_date,
                row.note,
                row.definition,
            ]
        )
        for column in (3, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = _xlsx_format(
                row.code, row.unit
            )
        sheet.cell(row=sheet.max_row, column=7).number_format = "dd/mm/yyyy"
        sheet.cell(row=sheet.max_row, column=9).alignment = Alignment(wrap_text=True)
    widths(sheet, [24, 44, 16, 16, 12, 16, 12, 30, 90])

    # Series by year.
    sheet = book.create_sheet(_("Series by year")[:31])
    codes = content.series.codes
    header(sheet, [_("Year"), _("Date evaluated"), *codes])
    units = {row.code: row.unit for row in content.indicators.rows}
    for year, snapshot in zip(content.series.years, content.series.snapshots, strict=True):
        sheet.append(
            [year, snapshot.on, *(_xlsx_value(units[c], snapshot.value(c)) for c in codes)]
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "dd/mm/yyyy"
        for i, c in enumerate(codes, start=3):
            sheet.cell(row=sheet.max_row, column=i).number_format = _xlsx_format(c, units[c])
    sheet.append([])
    sheet.append([_("Indicator"), _("Label")])
    for row in content.indicators.rows:
        sheet.append([row.code, row.label])
    widths(sheet, [10, 14, *([16] * len(codes))])

    # Per département.
    sheet = book.create_sheet(_("Per département")[:31])
    header(sheet, [_("Code"), _("Département"), *DEPARTEMENT_CODES])
    region = content.indicators if content.departement is None else None
    for item in [*content.departements, *([region] if region else [])]:
        sheet.append(
            [
                item.departement or "",
                item.territory_name,
                *(_xlsx_value(units[c], item.value(c)) for c in DEPARTEMENT_CODES),
            ]
        )
        for i, c in enumerate(DEPARTEMENT_CODES, start=3):
            sheet.cell(row=sheet.max_row, column=i).number_format = _xlsx_format(c, units[c])
    widths(sheet, [8, 26, *([16] * len(DEPARTEMENT_CODES))])

    # Money by year and line.
    sheet = book.create_sheet(_("Money by year")[:31])
    header(
        sheet,
        [_("Year"), _("Line code"), _("Budget line"), _("Committed (€)"), _("Paid (€)")],
    )
    for row in content.indicators.money.rows:
        sheet.append(
            [
                row.year,
                row.line,
                row.line_label,
                row.committed_cents / 100,
                row.paid_cents / 100,
            ]
        )
        for column in (4, 5):
            sheet.cell(row=sheet.max_row, column=column).number_format = '#,##0.00 "€"'
    sheet.append(
        [
            _("Total"),
            "",
            "",
            content.indicators.money.total_committed_cents / 100,
            content.indicators.money.total_paid_cents / 100,
        ]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    widths(sheet, [10, 20, 40, 18, 18])

    # Survey results summary.
    sheet = book.create_sheet(_("Survey of places")[:31])
    header(
        sheet,
        [_("Year"), Code.SERVICES_SHARE, Code.UNSURE_SHARE, _("Answers"), _("Note")],
    )
    for point_s, point_u in zip(
        content.series.points(Code.SERVICES_SHARE),
        content.series.points(Code.UNSURE_SHARE),
        strict=True,
    ):
        sheet.append(
            [point_s.year, point_s.value, point_u.value, point_u.denominator, point_u.note]
        )
        for column in (2, 3):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0%"
    widths(sheet, [10, 18, 18, 12, 40])

    # Sources.
    sheet = book.create_sheet(_("Sources")[:31])
    sheet.append([_("Sources")])
    sheet["A1"].font = bold
    sheet.append([DATA_ATTRIBUTION])
    sheet.append(
        [
            _("Generated on %(date)s")
            % {"date": date_format(timezone.localtime(content.generated_at), "DATETIME_FORMAT")}
        ]
    )
    sheet.append([_("Money since %(year)s") % {"year": content.since}])
    if notice:
        sheet.append([notice])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, color="B00020")
    if content.demo is not None:
        demo = content.demo
        sheet.append(
            [
                _(
                    "Demo records in the database: %(calls)s calls, %(applications)s "
                    "applications, %(agreements)s agreements, %(places)s places, "
                    "%(responses)s survey answers, %(grants)s other grants."
                )
                % {
                    "calls": demo.calls,
                    "applications": demo.applications,
                    "agreements": demo.agreements,
                    "places": demo.places,
                    "responses": demo.survey_responses,
                    "grants": demo.other_grants,
                }
            ]
        )
    widths(sheet, [140])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    book.properties.title = _("Evaluation of the tiers-lieux policy %(year)s") % {
        "year": content.year
    }
    book.properties.creator = "tierslieux"
    buffer = io.BytesIO()
    workbook_text_only(book)
    book.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReportFiles:
    pdf: str
    """File name of the PDF, in the output folder."""
    xlsx: str
    seconds: dict[str, float]
    """Time taken by each step (indicators, charts, map, pdf, xlsx, total)."""


def report_write(
    *,
    year: int,
    out_dir: Any,
    departement: str | None = None,
    since: int = selectors.DEFAULT_SINCE,
    include_demo: bool = True,
    report: Reporter | None = None,
) -> ReportFiles:
    """Compute the report for ``year`` and write its PDF and XLSX into ``out_dir``."""
    from pathlib import Path

    say = report or (lambda _f, _m="": None)
    start = time.perf_counter()
    content = dashboard_content(
        year=year,
        departement=departement,
        since=since,
        include_demo=include_demo,
        with_map=True,
        report=say,
    )
    seconds = dict(content.timings)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    say(0.7, "Writing the spreadsheet")
    t = time.perf_counter()
    xlsx_name = report_filename(content, "xlsx")
    (folder / xlsx_name).write_bytes(report_xlsx(content))
    seconds["xlsx"] = time.perf_counter() - t
    say(0.75, "Writing the PDF")
    t = time.perf_counter()
    pdf_name = report_filename(content, "pdf")
    (folder / pdf_name).write_bytes(report_pdf(content))
    seconds["pdf"] = time.perf_counter() - t
    seconds["total"] = time.perf_counter() - start
    return ReportFiles(pdf=pdf_name, xlsx=xlsx_name, seconds=seconds)
