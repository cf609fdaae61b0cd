import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tierslieux.core.regions import UnknownRegionError, parse_regions
from tierslieux.territory.loaders import TerritoryFileError
from tierslieux.territory.services import TerritoryRegionError, territory_load


class Command(BaseCommand):
    help = (
        "Load (or update) départements, EPCI, communes and the demand points (1 km grid, or "
        "commune points overseas) of the served regions from data/territory; idempotent, all "
        "or nothing."
    )
    # This command repairs what the territory checks report (a served region not loaded): it
    # must run while they fail. It refuses a half-applied change itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--regions",
            help="Region codes separated by commas, or 'all' (default: TERRITORY_REGIONS); each "
            "must be among TERRITORY_REGIONS.",
        )
        parser.add_argument("--data-dir", type=Path, help="Folder of the territory files.")

    def handle(self, *args, regions: str | None = None, data_dir: Path | None = None, **options):
        try:
            codes = parse_regions(regions) if regions else tuple(settings.TERRITORY_REGIONS)
        except UnknownRegionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Loading the territory of {len(codes)} region(s): {','.join(codes)}")
        start = self._start = time.monotonic()
        try:
            report = territory_load(regions=codes, data_dir=data_dir, progress=self._progress)
        except (TerritoryFileError, TerritoryRegionError) as exc:
            raise CommandError(str(exc)) from exc
        for name in ("departements", "epci", "communes", "cells"):
            c = getattr(report, name)
            self.stdout.write(
                f"{name:13} created {c.created:7}  updated {c.updated:7}  "
                f"unchanged {c.unchanged:7}  deleted {c.deleted:7}"
            )
        seconds = time.monotonic() - start
        if report.changed:
            message = f"Territory loaded ({report.changed} rows changed) in {seconds:.0f} s."
        else:
            message = f"Territory already up to date: nothing changed ({seconds:.0f} s)."
        self.stdout.write(self.style.SUCCESS(message))

    def _progress(self, message: str) -> None:
        self.stdout.write(f"  [{time.monotonic() - self._start:4.0f} s] {message}")
        self.stdout.flush()
