"""The dashboard's content and the yearly evaluation report.

- ``sections``: what is shown, as data (key figures, per-département columns, the chart table);
- ``formatting``: how a value, a date, a card and the demo notice read;
- ``content``: ``dashboard_content`` (from the selectors, records read once) and its cache;
- ``pdf`` and ``xlsx``: the two files; ``files``: writing them (``report_write``).
"""

from tierslieux.dashboard.report.content import (
    CONTENT_CACHE_SECONDS,
    DashboardContent,
    Reporter,
    dashboard_content,
    dashboard_content_cached,
    demo_notice,
    evaluation_date,
)
from tierslieux.dashboard.report.files import ReportFiles, report_filename, report_write
from tierslieux.dashboard.report.formatting import (
    DATA_ATTRIBUTION,
    ONE_DECIMAL,
    Card,
    format_card_value,
    format_date,
    format_value,
    value_kind,
)
from tierslieux.dashboard.report.pdf import PDF_VARIANT, report_pdf
from tierslieux.dashboard.report.sections import CARD_CODES, CHARTS, DEPARTEMENT_CODES
from tierslieux.dashboard.report.xlsx import report_xlsx

__all__ = [
    "CARD_CODES",
    "CHARTS",
    "CONTENT_CACHE_SECONDS",
    "DATA_ATTRIBUTION",
    "DEPARTEMENT_CODES",
    "ONE_DECIMAL",
    "PDF_VARIANT",
    "Card",
    "DashboardContent",
    "ReportFiles",
    "Reporter",
    "dashboard_content",
    "dashboard_content_cached",
    "demo_notice",
    "evaluation_date",
    "format_card_value",
    "format_date",
    "format_value",
    "report_filename",
    "report_pdf",
    "report_write",
    "report_xlsx",
    "value_kind",
]
