"""Charts: well-formed inline SVG with a title and a description, and the table of the values
they draw, formatted in the active language."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from tierslieux.dashboard import charts
from tierslieux.dashboard.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart.svg))


def line(**kwargs):
    return charts.line_chart(
        chart_id=kwargs.pop("chart_id", "c-line"),
        title="Tiers-lieux ouverts",
        description="Courbe du nombre de tiers-lieux ouverts par année.",
        years=[2019, 2020, 2021],
        series=[Series("Région", [1200, None, 18000.4])],
        value_format="count",
        **kwargs,
    )


def test_line_chart_is_accessible_svg_with_its_values_in_the_table():
    with translation.override("fr"):
        chart = line(target=20000, target_label="Cible")
    root = parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-line-title c-line-desc"
    assert root.find(f"{SVG}title").text == "Tiers-lieux ouverts"
    assert root.find(f"{SVG}desc").text.startswith("Courbe")
    assert "<script" not in str(chart.svg)
    assert chart.table.columns == ("Année", "Région")
    assert chart.table.rows == (
        ("2019", ("1\xa0200",)),
        ("2020", ("–",)),
        ("2021", ("18\xa0000",)),
    )
    assert chart.table.raw[2] == (2021, (18000.4,))
    # The axis labels are text in the SVG, formatted like the table.
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "2020" in texts
    assert "20\xa0000" in texts or "15\xa0000" in texts


def test_english_formatting():
    with translation.override("en"):
        assert charts.fmt_int(18000) == "18,000"
        assert charts.fmt_share(0.523) == "52%"
        assert charts.fmt_millions(960_000_000) == "€9.6\xa0M"
        assert charts.fmt_euros(123_456_78) == "€123,457"
    with translation.override("fr"):
        assert charts.fmt_int(18000) == "18\xa0000"
        assert charts.fmt_share(0.523) == "52\xa0%"
        assert charts.fmt_share(0.7826, 1) == "78,3\xa0%"
        assert charts.fmt_millions(960_000_000) == "9,6\xa0M€"
        assert charts.fmt_euros(123_456_78) == "123\xa0457\xa0€"
        assert charts.fmt_share(None) == "–"


def test_two_charts_on_one_page_share_no_id():
    first, second = line(chart_id="a"), line(chart_id="b")
    ids_a = {e.get("id") for e in parse(first).iter() if e.get("id")}
    ids_b = {e.get("id") for e in parse(second).iter() if e.get("id")}
    assert ids_a and ids_b
    assert not ids_a & ids_b
    assert all(i.startswith("a-") for i in ids_a)


def test_stacked_bars_total_in_the_table():
    with translation.override("fr"):
        chart = charts.bar_chart(
            chart_id="money",
            title="Montants",
            description="Barres empilées",
            categories=[2016, 2017],
            series=[Series("AMI", [100_000_000, 0]), Series("Réseau", [5_000_000, 6_000_000])],
            value_format="euros",
            stacked=True,
            total_label="Total",
            first_column="Année",
        )
    parse(chart)
    assert chart.table.columns == ("Année", "AMI", "Réseau", "Total")
    assert chart.table.rows[0] == (
        "2016",
        ("1\xa0000\xa0000\xa0€", "50\xa0000\xa0€", "1\xa0050\xa0000\xa0€"),
    )
    assert chart.table.raw[1] == (2017, (0, 6_000_000, 6_000_000))


@pytest.mark.parametrize(
    ("minutes", "expected"), [(None, None), (5, 0), (10, 0), (10.5, 1), (44, 3), (90, 4)]
)
def test_time_classes(minutes, expected):
    assert charts.time_class(minutes) == expected


def test_coverage_map_counts_communes_and_inhabitants_per_class():
    square = {
        "type": "Polygon",
        "coordinates": [[[0, 45], [0.1, 45], [0.1, 45.1], [0, 45.1], [0, 45]]],
    }
    other = {
        "type": "Polygon",
        "coordinates": [[[0.1, 45], [0.2, 45], [0.2, 45.1], [0.1, 45.1], [0.1, 45]]],
    }
    with translation.override("fr"):
        chart = charts.coverage_map(
            chart_id="map",
            title="Carte",
            description="Communes colorées par temps moyen",
            communes=[("1", square, 8.0, False, 1500), ("2", other, 50.0, True, 300)],
            places=[(0.05, 45.05)],
        )
    root = parse(chart)
    assert root.get("role") == "img"
    rows = dict(chart.table.raw)
    assert rows["≤ 10 min"] == (1, 1500)
    assert rows["> 45 min"] == (1, 300)
    assert chart.table.raw[-1][1] == (1, 300)  # of which white zones


def test_charts_carry_no_inline_css_for_the_content_security_policy():
    """style="" and <style> are refused by the CSP (ADR 0013): presentation attributes instead."""
    root = parse(line(target=20000, target_label="Cible"))
    assert root.find(f".//{SVG}style") is None
    assert all(element.get("style") is None for element in root.iter())
    assert root.get("stroke-linejoin") == "round"  # matplotlib's `*{...}` rule, inherited
    texts = list(root.iter(f"{SVG}text"))
    assert texts and all(t.get("font-size") for t in texts)
    assert any(e.get("fill") for e in root.iter())
