"""Writing the yearly report's two files (the background task and the command call this)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tierslieux.dashboard import selectors
from tierslieux.dashboard.report.content import DashboardContent, Reporter, dashboard_content
from tierslieux.dashboard.report.pdf import report_pdf
from tierslieux.dashboard.report.xlsx import report_xlsx


def report_filename(content: DashboardContent, extension: str) -> str:
    where = content.departement or "region"
    demo = "" if content.shows_demo or not content.demo else "-sans-demo"
    return f"rapport-evaluation-tiers-lieux-{content.year}-{where}{demo}.{extension}"


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
