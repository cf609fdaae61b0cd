"""The yearly evaluation report as PDF (WeasyPrint, from ``dashboard/report_pdf.html``)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from tierslieux.dashboard.report.content import DashboardContent, demo_notice
from tierslieux.dashboard.report.formatting import DATA_ATTRIBUTION

PDF_VARIANT = "pdf/ua-1"


def report_pdf(content: DashboardContent) -> bytes:
    """The report of ``content`` as a tagged PDF."""
    from weasyprint import HTML  # heavy: loaded when a PDF is written, not with the pages

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
