"""The yearly evaluation report as XLSX (openpyxl): key figures, series, départements, money,
survey, sources; one function per sheet."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tierslieux.core.exports import workbook_text_only
from tierslieux.dashboard.definitions import Code, Unit
from tierslieux.dashboard.report.content import DashboardContent, demo_notice
from tierslieux.dashboard.report.formatting import (
    DATA_ATTRIBUTION,
    ONE_DECIMAL,
    format_card_value,
)
from tierslieux.dashboard.report.sections import DEPARTEMENT_CODES

BOLD = Font(bold=True)
WARNING = Font(bold=True, color="B00020")
DATE_FORMAT = "dd/mm/yyyy"
EUROS_FORMAT = '#,##0.00 "€"'


def xlsx_value(unit: str, value: float | int | None) -> float | int | None:
    """A value as the spreadsheet stores it (money in euros)."""
    if value is None:
        return None
    if unit == Unit.CENTS:
        return round(value / 100, 2)
    return value


def xlsx_format(code: str, unit: str) -> str:
    """The number format of an indicator's cells."""
    if unit == Unit.SHARE:
        return "0.0%" if code in ONE_DECIMAL else "0%"
    if unit == Unit.CENTS:
        return EUROS_FORMAT
    if unit == Unit.RATIO:
        return "0.0"
    return "#,##0"


def _header(sheet: Any, titles: list[str]) -> None:
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    sheet.freeze_panes = sheet.cell(row=sheet.max_row + 1, column=1)


def _widths(sheet: Any, values: list[int]) -> None:
    for i, width in enumerate(values, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def _key_figures(sheet: Any, content: DashboardContent) -> None:
    sheet.title = _("Key figures")[:31]
    sheet.append(
        [
            _("Evaluation of the tiers-lieux policy, %(where)s, %(year)s")
            % {"where": content.territory_name, "year": content.year}
        ]
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Figures on %(date)s") % {"date": content.on_display}])
    sheet.append([demo_notice(content)])
    if content.shows_demo:
        sheet["A3"].font = WARNING
    _header(
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
                xlsx_value(row.unit, row.value),
                format_card_value(row.code, row.unit, row.value),
                row.unit,
                xlsx_value(row.unit, row.published),
                row.data_date,
                row.note,
                row.definition,
            ]
        )
        for column in (3, 6):
            sheet.cell(row=sheet.max_row, column=column).number_format = xlsx_format(
                row.code, row.unit
            )
        sheet.cell(row=sheet.max_row, column=7).number_format = DATE_FORMAT
        sheet.cell(row=sheet.max_row, column=9).alignment = Alignment(wrap_text=True)
    _widths(sheet, [24, 44, 16, 16, 12, 16, 12, 30, 90])


def _series(sheet: Any, content: DashboardContent, units: dict[str, str]) -> None:
    codes = content.series.codes
    _header(sheet, [_("Year"), _("Date evaluated"), *codes])
    for year, snapshot in zip(content.series.years, content.series.snapshots, strict=True):
        sheet.append([year, snapshot.on, *(xlsx_value(units[c], snapshot.value(c)) for c in codes)])
        sheet.cell(row=sheet.max_row, column=2).number_format = DATE_FORMAT
        for i, c in enumerate(codes, start=3):
            sheet.cell(row=sheet.max_row, column=i).number_format = xlsx_format(c, units[c])
    sheet.append([])
    sheet.append([_("Indicator"), _("Label")])
    for row in content.indicators.rows:
        sheet.append([row.code, row.label])
    _widths(sheet, [10, 14, *([16] * len(codes))])


def _departements(sheet: Any, content: DashboardContent, units: dict[str, str]) -> None:
    _header(sheet, [_("Code"), _("Département"), *DEPARTEMENT_CODES])
    region = content.indicators if content.departement is None else None
    for item in [*content.departements, *([region] if region else [])]:
        sheet.append(
            [
                item.departement or "",
                item.territory_name,
                *(xlsx_value(units[c], item.value(c)) for c in DEPARTEMENT_CODES),
            ]
        )
        for i, c in enumerate(DEPARTEMENT_CODES, start=3):
            sheet.cell(row=sheet.max_row, column=i).number_format = xlsx_format(c, units[c])
    _widths(sheet, [8, 26, *([16] * len(DEPARTEMENT_CODES))])


def _money(sheet: Any, content: DashboardContent) -> None:
    money = content.indicators.money
    _header(
        sheet,
        [_("Year"), _("Line code"), _("Budget line"), _("Committed (€)"), _("Paid (€)")],
    )
    for row in money.rows:
        sheet.append(
            [row.year, row.line, row.line_label, row.committed_cents / 100, row.paid_cents / 100]
        )
        for column in (4, 5):
            sheet.cell(row=sheet.max_row, column=column).number_format = EUROS_FORMAT
    sheet.append(
        [_("Total"), "", "", money.total_committed_cents / 100, money.total_paid_cents / 100]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD
    _widths(sheet, [10, 20, 40, 18, 18])


def _survey(sheet: Any, content: DashboardContent) -> None:
    _header(
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
    _widths(sheet, [10, 18, 18, 12, 40])


def _sources(sheet: Any, content: DashboardContent) -> None:
    sheet.append([_("Sources")])
    sheet["A1"].font = BOLD
    sheet.append([DATA_ATTRIBUTION])
    sheet.append(
        [
            _("Generated on %(date)s")
            % {"date": date_format(timezone.localtime(content.generated_at), "DATETIME_FORMAT")}
        ]
    )
    sheet.append([_("Money since %(year)s") % {"year": content.since}])
    notice = demo_notice(content)
    if notice:
        sheet.append([notice])
        sheet.cell(row=sheet.max_row, column=1).font = WARNING
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
    _widths(sheet, [140])
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def report_xlsx(content: DashboardContent) -> bytes:
    """The report of ``content`` as a workbook of six sheets."""
    book = Workbook()
    units = {row.code: row.unit for row in content.indicators.rows}
    _key_figures(book.active, content)
    _series(book.create_sheet(_("Series by year")[:31]), content, units)
    _departements(book.create_sheet(_("Per département")[:31]), content, units)
    _money(book.create_sheet(_("Money by year")[:31]), content)
    _survey(book.create_sheet(_("Survey of places")[:31]), content)
    _sources(book.create_sheet(_("Sources")[:31]), content)
    book.properties.title = _("Evaluation of the tiers-lieux policy %(year)s") % {
        "year": content.year
    }
    book.properties.creator = "tierslieux"
    buffer = io.BytesIO()
    workbook_text_only(book)
    book.save(buffer)
    return buffer.getvalue()
