"""Background tasks of the dashboard: the yearly evaluation report (PDF and XLSX)."""

import datetime
import shutil
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from tierslieux.core import clock
from tierslieux.core.models import TaskProgress
from tierslieux.core.tasks import tracked
from tierslieux.dashboard.report import report_write
from tierslieux.dashboard.selectors import records_region

REPORT_LABEL = "Evaluation report"
"""Label of the progress rows of reports (how the pages recognise them)."""

# The messages ``report_write`` reports, as shown to the person who asked.
PROGRESS_MESSAGES = {
    "Computing the indicators": _("Computing the indicators"),
    "Computing the figures per département": _("Computing the figures per département"),
    "Drawing the charts": _("Drawing the charts"),
    "Drawing the coverage map": _("Drawing the coverage map"),
    "Writing the spreadsheet": _("Writing the spreadsheet"),
    "Writing the PDF": _("Writing the PDF"),
}


def report_folder(progress_id: int) -> Path:
    """Where the files of the report generated under ``progress_id`` are kept (private)."""
    return Path(settings.MEDIA_ROOT) / "dashboard-reports" / str(int(progress_id))


def report_folders_prune(*, keep_days: int | None = None) -> int:
    """Delete the files of reports generated more than ``keep_days`` ago; how many folders."""
    days = settings.DASHBOARD_REPORT_KEEP_DAYS if keep_days is None else keep_days
    cutoff = clock.now() - datetime.timedelta(days=days)
    old = TaskProgress.objects.filter(label=REPORT_LABEL, created_at__lt=cutoff)
    removed = 0
    for pk in old.values_list("pk", flat=True):
        folder = report_folder(pk)
        if folder.exists():
            shutil.rmtree(folder)
            removed += 1
    return removed


@task()
def report_generate(
    *,
    progress_id: int,
    year: int,
    departement: str | None,
    since: int,
    include_demo: bool,
    language: str = "fr",
    region: str | None = None,
) -> None:
    """The yearly evaluation report as PDF and XLSX, written under ``report_folder`` (of one
    region's figures when ``region`` is given)."""
    report_folders_prune()
    with (
        tracked(progress_id) as (report, outcome),
        translation.override(language),
        records_region(region),
    ):

        def say(fraction: float, message: str = "") -> None:
            report(fraction, str(PROGRESS_MESSAGES.get(message, message)))

        files = report_write(
            year=year,
            out_dir=report_folder(progress_id),
            departement=departement,
            since=since,
            include_demo=include_demo,
            report=say,
        )
        outcome.result = {
            "year": year,
            "departement": departement,
            "since": since,
            "include_demo": include_demo,
            "pdf": files.pdf,
            "xlsx": files.xlsx,
            "seconds": {k: round(v, 2) for k, v in files.seconds.items()},
        }
