"""How an indicator reads on the page, in the PDF and in the spreadsheet: values, dates, the
key-figure cards and the demo notice, in the active language."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tierslieux.dashboard import charts
from tierslieux.dashboard.definitions import Code, Unit
from tierslieux.dashboard.selectors import Indicator, Indicators

ONE_DECIMAL = frozenset({Code.COVERAGE_SHARE})
"""Shares shown with one decimal (the others, like the Région's published figures, with none)."""

DATA_ATTRIBUTION = (
    "Population : Insee, populations légales (Etalab, découpage administratif 6.0.0) ; "
    "© Union européenne, Eurostat, recensement 2021 sur grille 1 km ; "
    "Insee, grille communale de densité 2024. Contours : IGN / Insee. "
    "Tiers-lieux : CGET / ANCT, recensement 2019, et l'annuaire tenu dans ce produit. "
    "Appels, décisions, conventions, paiements et enquêtes : enregistrements de ce produit. "
    "Licence Ouverte 2.0 (Etalab)."
)


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


def fill(text: object, values: dict[str, object]) -> str:
    """``text`` (a translated string) with its ``%(name)s`` fields filled in from ``values``."""
    text = str(text)
    return text % values if "%(" in text else text


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


def card(row: Indicator, indicators: Indicators) -> Card:
    """The key-figure card of ``row``, with the comparisons that help read it."""
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


def demo_notice_text(*, shows_demo: bool, holds_demo: bool) -> str:
    """What the reader must know about demo records: included, or held but left out."""
    if shows_demo:
        return _(
            "These figures include demonstration data: made-up records generated to try the "
            "product. They do not describe the real policy."
        )
    if holds_demo:
        return _("Demonstration data held in the database is left out of these figures.")
    return ""
