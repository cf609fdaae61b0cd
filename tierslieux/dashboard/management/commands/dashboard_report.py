"""Write the yearly evaluation report (PDF and XLSX) into a folder, and say how long it took."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tierslieux.core import clock
from tierslieux.dashboard import selectors
from tierslieux.dashboard.report import report_write


class Command(BaseCommand):
    help = "Write the yearly evaluation report as PDF and XLSX into a folder."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=clock.today().year)
        parser.add_argument(
            "--departement", default="", help="A département code (default: region)."
        )
        parser.add_argument(
            "--since", type=int, default=selectors.DEFAULT_SINCE, help="Money since."
        )
        parser.add_argument("--no-demo", action="store_true", help="Leave demo records out.")
        parser.add_argument("--out", default=".", help="Output folder (created if needed).")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE)

    def handle(self, *args, **options):
        departement = options["departement"] or None
        codes = {code for code, _name in selectors.territory_choices() if code}
        if departement and departement not in codes:
            raise CommandError(f"Unknown département {departement!r}; known: {sorted(codes)}")
        if options["since"] > options["year"]:
            raise CommandError("--since must not be after --year")
        out = Path(options["out"])
        with translation.override(options["language"]):
            files = report_write(
                year=options["year"],
                out_dir=out,
                departement=departement,
                since=options["since"],
                include_demo=not options["no_demo"],
            )
        self.stdout.write(f"PDF:  {out / files.pdf}")
        self.stdout.write(f"XLSX: {out / files.xlsx}")
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in files.seconds.items())
        self.stdout.write(f"Time: {timing}")
