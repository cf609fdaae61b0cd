from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tierslieux.accounts.models import User
from tierslieux.core.regions import UnknownRegionError, parse_regions
from tierslieux.places.importers import READERS
from tierslieux.places.services import ImportRejected, places_import


class Command(BaseCommand):
    help = (
        "Import places from a file, all or nothing (upsert by source + source id). "
        "Formats: " + ", ".join(READERS)
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(READERS))
        parser.add_argument("--dry-run", action="store_true", help="Validate and report only.")
        parser.add_argument(
            "--unpublished", action="store_true", help="New places wait for staff review."
        )
        parser.add_argument(
            "--regions",
            "--region",
            dest="regions",
            help="Region codes whose rows to keep (CGET file), separated by commas, or 'all'; "
            "each must be served (TERRITORY_REGIONS). Default: every served region.",
        )
        parser.add_argument(
            "--by", help="Username the import is recorded under (default: the first superuser)."
        )

    def handle(self, *args, path: Path, format: str, dry_run: bool, unpublished: bool, **opts):
        if not path.exists():
            raise CommandError(f"{path}: file not found")
        regions = None
        if opts.get("regions"):
            try:
                regions = parse_regions(opts["regions"])
            except UnknownRegionError as exc:
                raise CommandError(str(exc)) from exc
            served = tuple(settings.TERRITORY_REGIONS)
            outside = [code for code in regions if code not in served]
            if outside:
                raise CommandError(
                    f"Region(s) {', '.join(outside)} are not served (TERRITORY_REGIONS="
                    f"{','.join(served)}): add them to TERRITORY_REGIONS and run "
                    "manage.py load_territory first."
                )
        if opts.get("by"):
            operator = User.objects.filter(username=opts["by"], is_active=True).first()
            if operator is None:
                raise CommandError(f"No active user named {opts['by']!r}.")
        else:
            operator = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if operator is None:
            raise CommandError("No active superuser: name the importing user with --by USERNAME.")
        last_told = [""]

        def progress(fraction: float, message: str) -> None:
            if message != last_told[0]:
                last_told[0] = message
                self.stderr.write(f"{fraction:4.0%} {message}".replace("%", " %", 1))

        try:
            report = places_import(
                source=format,
                data=path.read_bytes(),
                by=operator,
                dry_run=dry_run,
                publish=not unpublished,
                regions=regions,
                progress=progress,
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}:{error.line}: {error.reason}")
            raise CommandError(f"{len(exc.errors)} bad row(s): nothing was imported.") from exc
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"{path}:{warning.line}: {warning.reason}"))
        by_reason: dict[str, int] = {}
        for row in report.skipped_rows:
            by_reason[row.reason] = by_reason.get(row.reason, 0) + 1
            if int(opts.get("verbosity", 1)) >= 2:
                self.stdout.write(f"{path}:{row.line}: skipped: {row.reason}")
        for reason, count in sorted(by_reason.items()):
            self.stdout.write(f"{count} row(s) skipped: {reason}")
        for pair in report.duplicates:
            self.stdout.write(self.style.WARNING(f"probable duplicate: {pair}"))
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} created, {report.updated} updated, {report.unchanged} "
                f"unchanged, {report.skipped} skipped (region not served) {verb} imported from "
                f"{path.name}; communes found by {report.resolved_by}."
            )
        )
