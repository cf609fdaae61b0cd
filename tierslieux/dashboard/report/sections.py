"""What the dashboard and the report show, as data: the key figures, the columns of the table
per département and the table of charts.

Each chart is a row of ``CHARTS``: its id, title, description and what it draws (indicator
codes by year, the money table, the figures per département). Texts are translated when the
content is built, with ``%(where)s`` (the territory) and ``%(target)s`` (the target number of
places) filled in. ``content.py`` turns the table into charts; nothing here reads records.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tierslieux.dashboard.definitions import Code

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
"""Key figures shown as cards, in this order (the target's card only when there is a target)."""

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
"""Columns of the table per département."""

WHERE = None
"""A series whose label is the territory's name."""


@dataclass(frozen=True)
class Line:
    """One line of a line chart: an indicator's value by year."""

    code: str
    label: Promise | None
    """None: the territory's name."""
    region_only: bool = False


@dataclass(frozen=True)
class LineChart:
    """Indicators by year (the series of the territory)."""

    id: str
    title: Promise
    description: Promise
    lines: tuple[Line, ...]
    value_format: str
    target: float | None = None
    """A horizontal line at this value (see ``target_places``)."""
    target_places: bool = False
    """A horizontal line at the target number of places, for the region only."""
    target_label: Promise | None = None
    note_from: str | None = None
    """The chart's note is the latest note of this indicator."""


@dataclass(frozen=True)
class MoneyChart:
    """The money table by year: committed by budget line (stacked), or committed and paid."""

    id: str
    title: Promise
    description: Promise
    by_line: bool


@dataclass(frozen=True)
class DepartementChart:
    """One bar per département (the region only)."""

    id: str
    title: Promise
    description: Promise
    code: str
    label: Promise


ChartSpec = LineChart | MoneyChart | DepartementChart

CHARTS: tuple[ChartSpec, ...] = (
    LineChart(
        id="chart-open-places",
        title=_("Open tiers-lieux by year, %(where)s"),
        description=_(
            "Line chart of the number of open tiers-lieux on 31 December of each year "
            "(today for the current year); the table beside gives the values."
        ),
        lines=(Line(Code.OPEN_PLACES, _("Open tiers-lieux")),),
        value_format="count",
        target_places=True,
        target_label=_("Target: %(target)s places"),
    ),
    LineChart(
        id="chart-inhabitants",
        title=_("Inhabitants per tiers-lieu, %(where)s and France"),
        description=_(
            "Line chart of the inhabitants per open tiers-lieu in the territory, by year, "
            "against the national figure; fewer inhabitants per place means a denser offer."
        ),
        lines=(
            Line(Code.INHABITANTS_PER_PLACE, WHERE),
            Line(Code.NATIONAL_INHABITANTS_PER_PLACE, _("France")),
        ),
        value_format="count",
    ),
    LineChart(
        id="chart-rural",
        title=_("Share of tiers-lieux in rural communes, %(where)s"),
        description=_(
            "Line chart of the share of open tiers-lieux located in rural communes "
            "(INSEE density levels 5 to 7), by year."
        ),
        lines=(Line(Code.RURAL_SHARE, _("Rural share")),),
        value_format="share",
    ),
    LineChart(
        id="chart-survival",
        title=_("Funded tiers-lieux still open, %(where)s"),
        description=_(
            "Line chart of the share of funded tiers-lieux still open some years after "
            "their first grant, by year."
        ),
        lines=(Line(Code.SURVIVAL_RATE, _("Survival rate")),),
        value_format="share",
        note_from=Code.SURVIVAL_RATE,
    ),
    LineChart(
        id="chart-survey",
        title=_("Services and business model (survey of places), %(where)s"),
        description=_(
            "Line chart, by year, of the share of tiers-lieux offering services beyond the "
            "workspace and of the share of survey answers unsure of their business model."
        ),
        lines=(
            Line(Code.SERVICES_SHARE, _("Offering other services")),
            Line(Code.UNSURE_SHARE, _("Unsure of their business model")),
        ),
        value_format="share",
    ),
    LineChart(
        id="chart-coverage",
        title=_("Coverage within 20 minutes, %(where)s"),
        description=_(
            "Line chart, by year, of the share of inhabitants within 20 minutes of an open "
            "tiers-lieu, and of the progress toward the target number of places; the "
            "dashed line is 100 %."
        ),
        lines=(
            Line(Code.COVERAGE_SHARE, _("Inhabitants within 20 minutes")),
            Line(
                Code.PLACES_TARGET_PROGRESS,
                _("Progress toward %(target)s places"),
                region_only=True,
            ),
        ),
        value_format="share1",
        target=1.0,
        target_label=_("100 %"),
    ),
    MoneyChart(
        id="chart-money-lines",
        title=_("Amounts committed per year and budget line, %(where)s"),
        description=_(
            "Stacked bar chart of the amounts committed each year, one colour and hatch per "
            "budget line (the calls by kind, the support to the regional network...)."
        ),
        by_line=True,
    ),
    MoneyChart(
        id="chart-money",
        title=_("Amounts committed and paid per year, %(where)s"),
        description=_(
            "Bar chart of the amounts committed and the amounts paid each year, side by side."
        ),
        by_line=False,
    ),
    DepartementChart(
        id="chart-departements",
        title=_("Open tiers-lieux and inhabitants per place, by département"),
        description=_(
            "Horizontal bar chart of the number of open tiers-lieux in each département; the "
            "table beside also gives the inhabitants per place."
        ),
        code=Code.OPEN_PLACES,
        label=_("Open tiers-lieux"),
    ),
)
