"""The dashboard's content and the report's spreadsheet from computed indicators: the table of
charts, the cards, the tables, the demo notice and the workbook, without a database (plain
records through the pure engine; the PDF and the page are tested with the database in
``test_report.py`` and ``test_views.py``)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from tests.dashboard.plain import PARAMS, RURAL, URBAN, D, grant, place, records
from tierslieux.calls.models import CallKind
from tierslieux.dashboard import report
from tierslieux.dashboard.definitions import Code, Unit
from tierslieux.dashboard.indicators import engine
from tierslieux.dashboard.indicators.reader import MapData
from tierslieux.dashboard.report.content import content_assemble, map_chart
from tierslieux.dashboard.selectors import DemoSummary

GENERATED = datetime.datetime(2024, 5, 6, 10, 0, tzinfo=datetime.UTC)
ALL_CHARTS = [
    "chart-open-places",
    "chart-inhabitants",
    "chart-rural",
    "chart-survival",
    "chart-survey",
    "chart-coverage",
    "chart-money-lines",
    "chart-money",
    "chart-departements",
]


@pytest.fixture(scope="module")
def recs():
    a = place(URBAN, opened_on=D(2018, 1, 1))
    b = place(RURAL, opened_on=D(2020, 5, 1))
    bordeaux = place(URBAN, departement="33", opened_on=D(2019, 2, 1))
    return records(
        places=[a, b, bordeaux],
        grants=[
            grant(D(2018, 3, 1), a, cents=2_000_000),
            grant(D(2019, 4, 1), bordeaux, cents=5_000_000, line=CallKind.CREATION),
        ],
    )


_BUILT: dict = {}


def content_of(recs, departement, *, year=2023, demo=None):
    """The content for ``departement`` (built once per test module: charts take a while)."""
    key = (id(recs), departement, year, demo)
    if key not in _BUILT:
        _BUILT[key] = _build(recs, departement, year=year, demo=demo)
    return _BUILT[key]


def _build(recs, departement, *, year, demo):
    on = D(year, 12, 31)
    coverage = {"99": (6000.0, 3000.0), "33": (1_000_000.0, 900_000.0), "24": (400_000.0, 0.0)}

    def snaps(on_, deps):
        return engine.snapshots(
            recs, PARAMS, on=on_, departements=deps, since=2016, survival_years=3, coverage=coverage
        )

    dates = engine.series_dates(range(2016, year + 1), today=D(2030, 1, 1))
    (series,) = engine.series(
        recs,
        PARAMS,
        dates=dates,
        departements=[departement],
        per_date=[snaps(on_, [departement]) for _y, on_ in dates],
    )
    (indicators,) = snaps(on, [departement])
    return content_assemble(
        year=year,
        since=2016,
        include_demo=demo is not None,
        demo=demo,
        indicators=indicators,
        series=series,
        departements=snaps(on, recs.departements()),
        region=snaps(on, [None])[0],
        generated_at=GENERATED,
    )


def test_the_region_shows_every_chart_and_the_target(recs):
    content = content_of(recs, None)
    assert [c.id for c in content.charts] == ALL_CHARTS
    assert content.card(Code.PLACES_TARGET_PROGRESS).detail.startswith("3 open for a target of 300")
    coverage = next(c for c in content.charts if c.id == "chart-coverage")
    assert coverage.table.columns[1:] == (
        "Inhabitants within 20 minutes",
        "Progress toward 300 places",
    )
    opened = next(c for c in content.charts if c.id == "chart-open-places")
    assert "Nouvelle-Aquitaine" in opened.title
    assert [row[1] for row in opened.table.rows][-1] == ("3",)


def test_a_departement_has_no_target_and_no_chart_per_departement(recs):
    content = content_of(recs, "99")
    assert [c.id for c in content.charts] == ALL_CHARTS[:-1]
    with pytest.raises(KeyError):
        content.card(Code.PLACES_TARGET_PROGRESS)
    coverage = next(c for c in content.charts if c.id == "chart-coverage")
    assert coverage.table.columns[1:] == ("Inhabitants within 20 minutes",)
    inhabitants = next(c for c in content.charts if c.id == "chart-inhabitants")
    assert inhabitants.table.columns[1:] == ("Département de test", "France")
    survival = next(c for c in content.charts if c.id == "chart-survival")
    assert survival.note == "3 years after the first grant"
    assert content.territory_name == "Département de test"


def test_cards_compare_with_france_and_the_published_figure(recs):
    content = content_of(recs, None)
    per_place = content.card(Code.INHABITANTS_PER_PLACE)
    assert "France: 19,429" in per_place.detail
    assert "published by the Région: 18,000" in per_place.detail
    assert content.card(Code.COVERAGE_SHARE).display == "64.2%"  # 903,000 of 1,406,000
    assert content.card(Code.RURAL_SHARE).detail.startswith("1 of 3")
    assert report.format_value(Code.DENSITY_RATIO, Unit.RATIO, 1.234) == "1.2"
    assert report.value_kind(Code.COMMITTED, Unit.CENTS) == "euros"


def test_the_tables_per_departement_and_of_money(recs):
    content = content_of(recs, None)
    names = [name for name, _values in content.departement_table.rows]
    assert names == [
        "24 Dordogne",
        "33 Gironde",
        "99 Département de test",
        "Region: Nouvelle-Aquitaine",
    ]
    assert [raw[0] for raw in content.departement_table.raw] == ["24", "33", "99", ""]
    assert [(r[0], r[1][0]) for r in content.money_table.raw] == [
        (2018, CallKind.DEVELOPMENT),
        (2019, CallKind.CREATION),
    ]


def test_the_demo_notice_and_the_file_name(recs):
    demo = DemoSummary(
        calls=1, applications=2, agreements=0, places=0, survey_responses=0, other_grants=0
    )
    shown = content_of(recs, "99", demo=demo)
    assert shown.shows_demo and "demonstration data" in report.demo_notice(shown)
    assert report.report_filename(shown, "pdf") == "rapport-evaluation-tiers-lieux-2023-99.pdf"
    left_out = content_of(recs, None)
    left_out = type(left_out)(**{**left_out.__dict__, "demo": demo})  # held, not included
    assert "left out" in report.demo_notice(left_out)
    assert report.report_filename(left_out, "xlsx").endswith("-region-sans-demo.xlsx")
    assert report.demo_notice(content_of(recs, None)) == ""


def test_the_workbook_holds_the_figures(recs):
    content = content_of(recs, None)
    book = load_workbook(io.BytesIO(report.report_xlsx(content)))
    assert book.sheetnames == [
        "Key figures",
        "Series by year",
        "Per département",
        "Money by year",
        "Survey of places",
        "Sources",
    ]
    rows = {r[0]: r for r in book["Key figures"].iter_rows(values_only=True) if r and r[0]}
    assert rows[Code.OPEN_PLACES][2] == 3
    assert rows[Code.COMMITTED][2] == pytest.approx(70_000)  # euros
    assert rows[Code.COVERAGE_SHARE][2] == pytest.approx(903_000 / 1_406_000)
    series = list(book["Series by year"].iter_rows(values_only=True))
    assert series[0][:3] == ("Year", "Date evaluated", Code.OPEN_PLACES)
    assert [r[0] for r in series if isinstance(r[0], int)] == list(range(2016, 2024))
    total = next(r for r in book["Money by year"].iter_rows(values_only=True) if r[0] == "Total")
    assert total[3] == pytest.approx(70_000)
    per_dep = [r[:2] for r in book["Per département"].iter_rows(values_only=True) if r[1]]
    assert per_dep == [
        ("Code", "Département"),
        ("24", "Dordogne"),
        ("33", "Gironde"),
        ("99", "Département de test"),
        (None, "Nouvelle-Aquitaine"),  # the region, without a code
    ]


def test_the_coverage_map_from_plain_data():
    square = {
        "type": "Polygon",
        "coordinates": [[[0.0, 45.0], [0.1, 45.0], [0.1, 45.1], [0.0, 45.1], [0.0, 45.0]]],
    }
    data = MapData(
        on=D(2023, 12, 31),
        departement="99",
        departement_name="Département de test",
        communes=[("99001", square, 12.0, False, 1000), ("99002", square, 50.0, True, 2000)],
        places=[(0.05, 45.05)],
        demo_places=2,
        detour_factor=1.3,
        speed_kmh=60.0,
    )
    chart = map_chart(data)
    assert chart.id == "chart-map"
    assert chart.title.endswith(", 99 Département de test")
    assert "× 1.3 at 60 km/h" in chart.description
    assert "the 2 demo places" in chart.note
