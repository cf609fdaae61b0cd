from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tierslieux.territory.loaders import TerritoryFileError
from tierslieux.territory.services import territory_load


class Command(BaseCommand):
    help = "Load (or update) départements, EPCI, communes and the 1 km grid from data/territory."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, help="Folder of the territory files.")

    def handle(self, *args, data_dir: Path | None = None, **options):
        try:
            report = territory_load(data_dir=data_dir)
        except TerritoryFileError as exc:
            raise CommandError(str(exc)) from exc
        for name in ("departements", "epci", "communes", "cells"):
            c = getattr(report, name)
            self.stdout.write(
                f"{name:13} created {c.created:6}  updated {c.updated:6}  "
                f"unchanged {c.unchanged:6}  deleted {c.deleted:6}"
            )
        self.stdout.write(self.style.SUCCESS(f"Territory loaded ({report.changed} rows changed)."))
