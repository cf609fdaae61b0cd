"""Charts of the dashboard and the report: SVG drawn on the server with matplotlib.

Every chart comes with the table of the values it draws (``Chart.table``): the page shows the
table beside the chart (the accessible alternative, and what the tests read), the report prints
it under the chart. The SVG is embedded inline: ``role="img"`` with a ``<title>`` and a
``<desc>``, text kept as text (``svg.fonttype = none``), no script, no external resource.

Numbers are formatted in the active language (``django.utils.formats``): the same helpers
format the key figures of the page, the PDF and the axes, so that a figure reads the same
everywhere. The palette is Okabe-Ito (distinguishable with the common colour-vision
deficiencies); series also differ by marker or hatch, never by colour alone.
"""

import base64
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
import shapely
from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

matplotlib.use("Agg")  # no display; we only ever write files

# Okabe & Ito (2008): colour-blind safe qualitative palette (black last).
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",
)
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "*")
HATCHES: tuple[str, ...] = ("", "//", "..", "xx", "\\\\", "--", "++", "oo")
TARGET_COLOUR = "#D55E00"
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"

# Classes of the coverage map, as on the territorial mesh page (ColorBrewer YlOrRd, 5 classes,
# colour-blind safe): upper bound in minutes (None: no bound), colour, label.
TIME_CLASSES: tuple[tuple[float | None, str, str], ...] = (
    (10, "#ffffb2", "≤ 10 min"),
    (20, "#fecc5c", "10–20 min"),
    (30, "#fd8d3c", "20–30 min"),
    (45, "#f03b20", "30–45 min"),
    (None, "#bd0026", "> 45 min"),
)
NO_DATA_COLOUR = "#d9d9d9"
MAP_SIMPLIFY_DEG = 0.003
"""Tolerance (degrees, about 300 m) of the outlines drawn on the map (keeps the SVG small)."""

RC: dict[str, Any] = {
    "svg.fonttype": "none",  # text stays text: searchable, readable by assistive technology
    "font.family": "DejaVu Sans",  # bundled with matplotlib
    "font.size": 9,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
}


# ---------------------------------------------------------------- number formatting


def _is_french() -> bool:
    return (get_language() or "fr").startswith("fr")


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """A number in the active language, thousands grouped ("12 345,6" in French)."""
    if value is None:
        return "–"
    rounded = round(float(value), decimals) if decimals else round(float(value))
    return number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def fmt_int(value: int | float | None) -> str:
    """A count ("18 000" in French)."""
    return fmt_number(value, 0)


def fmt_share(value: float | None, decimals: int = 0) -> str:
    """A share between 0 and 1 as a percentage ("52 %" in French, "52%" in English)."""
    if value is None:
        return "–"
    number = fmt_number(float(value) * 100, decimals)
    return f"{number}\u00a0%" if _is_french() else f"{number}%"


def fmt_euros(cents: int | None) -> str:
    """An amount in whole euros ("9 600 000 €" in French, "€9,600,000" in English)."""
    if cents is None:
        return "–"
    number = fmt_number(round(cents / 100), 0)
    return f"{number}\u00a0€" if _is_french() else f"€{number}"


def fmt_millions(cents: int | None, decimals: int = 1) -> str:
    """An amount in millions of euros ("9,6 M€" in French, "€9.6 M" in English)."""
    if cents is None:
        return "–"
    number = fmt_number(cents / 100 / 1_000_000, decimals)
    return f"{number}\u00a0M€" if _is_french() else f"€{number}\u00a0M"


Formatter = Callable[[float | None], str]

FORMATTERS: dict[str, Formatter] = {
    "count": fmt_int,
    "share": fmt_share,
    "share1": lambda v: fmt_share(v, 1),
    "euros": lambda v: fmt_euros(None if v is None else int(v)),
    "millions": lambda v: fmt_millions(None if v is None else int(v)),
    "number1": lambda v: fmt_number(v, 1),
}


def fmt_thousands(cents: int | None) -> str:
    """An amount in thousands of euros ("50 k€" in French, "€50 k" in English)."""
    if cents is None:
        return "–"
    number = fmt_number(cents / 100 / 1000, 0)
    return f"{number}\u00a0k€" if _is_french() else f"€{number}\u00a0k"


def _axis_formatter(kind: str, data_max: float = 0.0) -> FuncFormatter:
    """Axis labels: like the table, but shares without decimals and money in millions (or
    thousands when every amount is below a million euros)."""
    if kind.startswith("share"):
        return FuncFormatter(lambda v, _pos: fmt_share(v, 0))
    if kind in ("euros", "millions"):
        if data_max < 100_000_000:
            return FuncFormatter(lambda v, _pos: fmt_thousands(int(v)))
        return FuncFormatter(lambda v, _pos: fmt_millions(int(v), 1))
    return FuncFormatter(lambda v, _pos: fmt_number(v, 0))


# ---------------------------------------------------------------- data structures


@dataclass(frozen=True)
class Table:
    """The values a chart draws, as a table: a caption, column headers, one row per category."""

    caption: str
    columns: tuple[str, ...]
    """Headers: the first names the row-header column."""
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    """(row header, formatted cells)."""
    raw: tuple[tuple[Any, tuple[Any, ...]], ...] = ()
    """The same values, unformatted (for the XLSX and the tests)."""


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString
    table: Table
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def data_uri(self) -> str:
        """The SVG as a ``data:`` URI (the PDF embeds charts as images: much faster to lay out)."""
        text = str(self.svg)
        if "xmlns:xlink" not in text[:400]:
            text = text.replace("<svg ", '<svg xmlns:xlink="http://www.w3.org/1999/xlink" ', 1)
        return "data:image/svg+xml;base64," + base64.b64encode(text.encode()).decode()


def series_table(
    *,
    caption: str,
    first_column: str,
    categories: Sequence[Any],
    series: Sequence[Series],
    value_format: str,
    category_labels: Sequence[str] | None = None,
) -> Table:
    """The table of a chart: one row per category, one column per series."""
    fmt = FORMATTERS[value_format]
    labels = category_labels or [str(c) for c in categories]
    rows = tuple(
        (labels[i], tuple(fmt(s.values[i]) for s in series)) for i in range(len(categories))
    )
    raw = tuple((categories[i], tuple(s.values[i] for s in series)) for i in range(len(categories)))
    return Table(
        caption=caption,
        columns=(first_column, *(s.label for s in series)),
        rows=rows,
        raw=raw,
    )


# ---------------------------------------------------------------- SVG output

_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_ID = re.compile(r'\b(id)="([^"]+)"')
_REF = re.compile(r'(url\(|href=")#([^")]+)')


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"<style[^>]*>(.*?)</style>", re.S)


def _declarations_as_attributes(declarations: str) -> str:
    """``fill: #fff; stroke-width: 0.8`` as SVG presentation attributes."""
    attributes = []
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        if name.strip():
            attributes.append(f' {name.strip()}="{escape(value.strip())}"')
    return "".join(attributes)


def _without_inline_styles(text: str) -> str:
    """matplotlib's SVG with its CSS turned into presentation attributes.

    The Content Security Policy refuses inline ``style`` attributes and ``<style>`` elements
    (ADR 0013); every property matplotlib writes (fill, stroke*, opacity, font-*, text-anchor)
    is also an SVG presentation attribute, which the policy does not concern. Its one
    stylesheet rule, ``*{stroke-linejoin: round; stroke-linecap: butt}``, becomes attributes of
    the root element, inherited by all.
    """
    rules = _STYLE_ELEMENT.findall(text)
    root_attributes = ""
    for rule in rules:
        match = re.fullmatch(r"\s*\*\s*\{([^}]*)\}\s*", rule)
        if match is None:
            raise ValueError(f"Unexpected stylesheet in a chart: {rule!r}")
        root_attributes += _declarations_as_attributes(match.group(1))
    text = _STYLE_ELEMENT.sub("", text)
    text = _STYLE_ATTRIBUTE.sub(lambda m: _declarations_as_attributes(m.group(1)), text)
    return text.replace("<svg ", "<svg" + root_attributes + " ", 1)


def _svg(
    figure: Figure, *, chart_id: str, title: str, description: str, dpi: int = 100
) -> SafeString:
    """The figure as inline SVG markup with ``role="img"``, a title and a description."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**RC, "svg.hashsalt": chart_id}):
        figure.savefig(buffer, format="svg", dpi=dpi, metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    start = text.index("<svg")
    text = text[start:]
    # matplotlib writes its own ``<metadata>`` block (RDF): drop it, it says nothing useful.
    text = re.sub(r"<metadata>.*?</metadata>", "", text, count=1, flags=re.S)
    text = _without_inline_styles(text)
    # Several charts share a page: make matplotlib's ids (figure_1, clip paths...) unique.
    text = _ID.sub(lambda m: f'{m.group(1)}="{chart_id}-{m.group(2)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}#{chart_id}-{m.group(2)}", text)
    opening = _SVG_OPEN.search(text)
    assert opening is not None
    tag = opening.group(0)
    new_tag = (
        tag[:-1].replace(' width="', ' data-width="').replace(' height="', ' data-height="')
        + f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        + f' class="chart-svg" id="{chart_id}-svg" focusable="false">'
    )
    head = (
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )
    text = text[: opening.start()] + new_tag + head + text[opening.end() :]
    return mark_safe(text)


def _new_figure(width_in: float = 6.4, height_in: float = 3.4) -> Figure:
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(width_in, height_in), dpi=100)
        figure.set_layout_engine("constrained")
    return figure


def _style_axes(
    ax: Any, *, value_format: str, y_max: float | None = None, data_max: float = 0.0
) -> None:
    ax.yaxis.set_major_formatter(_axis_formatter(value_format, data_max))
    ax.grid(axis="y", color=GRID_COLOUR, linewidth=0.6)
    ax.set_axisbelow(True)
    if value_format.startswith("share"):
        ax.set_ylim(0, 1.0 if y_max is None else max(1.0, y_max))
    elif data_max <= 0:
        ax.set_ylim(0, 100_000 if value_format in ("euros", "millions") else 1)
    else:
        ax.set_ylim(bottom=0)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)


def _values(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    years: Sequence[int],
    series: Sequence[Series],
    value_format: str,
    caption: str | None = None,
    first_column: str | None = None,
    target: float | None = None,
    target_label: str = "",
    note: str = "",
) -> Chart:
    """Values per year, one line per series, an optional horizontal target line."""
    with matplotlib.rc_context(RC):
        figure = _new_figure()
        ax = figure.add_subplot()
        x = np.array(years, dtype=float)
        for i, item in enumerate(series):
            ax.plot(
                x,
                _values(item.values),
                color=PALETTE[i % len(PALETTE)],
                marker=MARKERS[i % len(MARKERS)],
                linewidth=2,
                markersize=5,
                label=item.label,
            )
        if target is not None:
            ax.axhline(
                target, color=TARGET_COLOUR, linestyle="--", linewidth=1.5, label=target_label
            )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(len(years), 10) or 1))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(v)}"))
        if len(years):
            ax.set_xlim(min(years) - 0.5, max(years) + 0.5)  # every year, even without a value
        ymax = None
        finite = [v for s in series for v in s.values if v is not None]
        data_max = max([*finite, target or 0, 0])
        if value_format.startswith("share"):
            ymax = data_max * 1.1 if finite else None
        _style_axes(ax, value_format=value_format, y_max=ymax, data_max=data_max)
        if len(series) > 1 or target is not None:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, fontsize=8)
        svg = _svg(figure, chart_id=chart_id, title=title, description=description)
    table = series_table(
        caption=caption or title,
        first_column=first_column or _("Year"),
        categories=list(years),
        series=list(series),
        value_format=value_format,
    )
    return Chart(id=chart_id, title=title, description=description, svg=svg, table=table, note=note)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[Any],
    series: Sequence[Series],
    value_format: str,
    category_labels: Sequence[str] | None = None,
    stacked: bool = False,
    horizontal: bool = False,
    caption: str | None = None,
    first_column: str | None = None,
    total_label: str | None = None,
    note: str = "",
) -> Chart:
    """Bars per category: grouped or stacked series, vertical or horizontal."""
    labels = list(category_labels or [str(c) for c in categories])
    n = len(labels)
    height = 3.4 if not horizontal else max(2.4, 0.32 * n + 1.2)
    with matplotlib.rc_context(RC):
        figure = _new_figure(6.4, height)
        ax = figure.add_subplot()
        positions = np.arange(n, dtype=float)
        bottom = np.zeros(n)
        totals = np.zeros(n)
        width = 0.8 if stacked or len(series) == 1 else 0.8 / len(series)
        for i, item in enumerate(series):
            values = np.nan_to_num(_values(item.values))
            offset = 0.0 if stacked or len(series) == 1 else (i - (len(series) - 1) / 2) * width
            style = {
                "color": PALETTE[i % len(PALETTE)],
                "hatch": HATCHES[i % len(HATCHES)],
                "edgecolor": "white",
                "linewidth": 0.5,
                "label": item.label,
            }
            if horizontal:
                ax.barh(positions + offset, values, height=width, left=bottom, **style)
            else:
                ax.bar(positions + offset, values, width=width, bottom=bottom, **style)
            totals = totals + values if stacked else np.maximum(totals, values)
            if stacked:
                bottom = bottom + values
        if horizontal:
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            ax.xaxis.set_major_formatter(
                _axis_formatter(value_format, float(totals.max(initial=0)))
            )
            ax.grid(axis="x", color=GRID_COLOUR, linewidth=0.6)
            ax.set_axisbelow(True)
            if value_format.startswith("share"):
                ax.set_xlim(0, 1)
        else:
            ax.set_xticks(positions, labels)
            if n > 8:
                for tick in ax.get_xticklabels():
                    tick.set_rotation(45)
                    tick.set_horizontalalignment("right")
            _style_axes(ax, value_format=value_format, data_max=float(totals.max(initial=0)))
        if len(series) > 1:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, fontsize=8)
        svg = _svg(figure, chart_id=chart_id, title=title, description=description)
    table_series = list(series)
    if stacked and total_label:
        totals = [sum(v for v in (s.values[i] for s in series) if v is not None) for i in range(n)]
        table_series.append(Series(total_label, totals))
    table = series_table(
        caption=caption or title,
        first_column=first_column or "",
        categories=list(categories),
        series=table_series,
        value_format=value_format,
        category_labels=labels,
    )
    return Chart(id=chart_id, title=title, description=description, svg=svg, table=table, note=note)


# ---------------------------------------------------------------- coverage map


def time_class(minutes: float | None) -> int | None:
    """Index in ``TIME_CLASSES`` of a mean travel time (None: no inhabitants)."""
    if minutes is None:
        return None
    for index, (upper, _colour, _label) in enumerate(TIME_CLASSES):
        if upper is None or minutes <= upper:
            return index
    return len(TIME_CLASSES) - 1


def _rings(geometry: shapely.Geometry, cos_lat: float) -> list[np.ndarray]:
    """Exterior rings of a (multi)polygon as arrays of projected points (x = lon·cos φ0)."""
    rings = []
    for polygon in shapely.get_parts(geometry):
        coords = np.asarray(polygon.exterior.coords)
        if len(coords) >= 3:
            rings.append(np.column_stack([coords[:, 0] * cos_lat, coords[:, 1]]))
    return rings


def coverage_map(
    *,
    chart_id: str,
    title: str,
    description: str,
    communes: Sequence[tuple[str, dict[str, Any], float | None, bool, int]],
    places: Sequence[tuple[float, float]] = (),
    caption: str | None = None,
) -> Chart:
    """The communes coloured by mean travel time to the nearest open place, white zones hatched.

    ``communes``: (code, GeoJSON geometry, mean minutes or None, is white zone, inhabitants).
    ``places``: (lon, lat) of the open places, drawn as black dots. The table counts the
    communes and inhabitants in each class of travel time (the map's text alternative).
    """
    geometries = shapely.simplify(
        np.array([shapely.geometry.shape(g) for _c, g, _m, _w, _p in communes], dtype=object),
        MAP_SIMPLIFY_DEG,
        preserve_topology=True,
    )
    lats = [c[1] for g in geometries for c in shapely.get_coordinates(g)[:1]]
    cos_lat = float(np.cos(np.radians(np.mean(lats)))) if lats else 1.0
    verts: list[np.ndarray] = []
    colours: list[str] = []
    white_verts: list[np.ndarray] = []
    counts = [0] * (len(TIME_CLASSES) + 1)
    inhabitants = [0] * (len(TIME_CLASSES) + 1)
    white_count = 0
    white_inhabitants = 0
    for (_code, _geom, minutes, white, population), geometry in zip(
        communes, geometries, strict=True
    ):
        index = time_class(minutes)
        colour = NO_DATA_COLOUR if index is None else TIME_CLASSES[index][1]
        slot = len(TIME_CLASSES) if index is None else index
        counts[slot] += 1
        inhabitants[slot] += int(population or 0)
        rings = _rings(geometry, cos_lat)
        verts.extend(rings)
        colours.extend([colour] * len(rings))
        if white:
            white_count += 1
            white_inhabitants += int(population or 0)
            white_verts.extend(rings)
    with matplotlib.rc_context(RC):
        figure = _new_figure(7.2, 6.4)
        ax = figure.add_subplot()
        ax.add_collection(
            PolyCollection(
                verts,
                facecolors=colours,
                edgecolors="#ffffff",
                linewidths=0.1,
                rasterized=True,  # 4,000 communes: an embedded image, the text stays vector
            )
        )
        if white_verts:
            ax.add_collection(
                PolyCollection(
                    white_verts,
                    facecolors="none",
                    edgecolors="#333333",
                    linewidths=0.2,
                    hatch="////",
                    rasterized=True,
                )
            )
        if places:
            xs = [lon * cos_lat for lon, _lat in places]
            ys = [lat for _lon, lat in places]
            ax.scatter(xs, ys, s=6, c="#000000", marker="o", linewidths=0, zorder=3)
        ax.autoscale_view()
        ax.set_aspect("equal")
        ax.set_axis_off()
        handles = [
            Patch(facecolor=colour, edgecolor="#999999", label=label)
            for _u, colour, label in TIME_CLASSES
        ]
        handles.append(
            Patch(facecolor=NO_DATA_COLOUR, edgecolor="#999999", label=_("no inhabitants"))
        )
        handles.append(
            Patch(facecolor="white", edgecolor="#333333", hatch="////", label=_("white zone"))
        )
        if places:
            handles.append(
                matplotlib.lines.Line2D(
                    [],
                    [],
                    marker="o",
                    color="#000000",
                    linestyle="",
                    markersize=3,
                    label=_("open tiers-lieu"),
                )
            )
        ax.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=7,
            title=_("Mean travel time"),
            title_fontsize=7,
        )
        svg = _svg(figure, chart_id=chart_id, title=title, description=description, dpi=200)
    labels = [label for _u, _c, label in TIME_CLASSES] + [_("no inhabitants")]
    rows = [(labels[i], (fmt_int(counts[i]), fmt_int(inhabitants[i]))) for i in range(len(labels))]
    raw = [(labels[i], (counts[i], inhabitants[i])) for i in range(len(labels))]
    rows.append((_("of which white zones"), (fmt_int(white_count), fmt_int(white_inhabitants))))
    raw.append((_("of which white zones"), (white_count, white_inhabitants)))
    table = Table(
        caption=caption or title,
        columns=(_("Mean travel time"), _("Communes"), _("Inhabitants")),
        rows=tuple(rows),
        raw=tuple(raw),
    )
    return Chart(id=chart_id, title=title, description=description, svg=svg, table=table)
