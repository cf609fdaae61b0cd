from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tierslieux.accounts.models import User
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
        parser.add_argument("--region", help="Region code to keep (CGET file); default: ours.")
        parser.add_argument(
            "--by", help="Username the import is recorded under (default: the first superuser)."
        )

    def handle(self, *args, path: Path, format: str, dry_run: bool, unpublished: bool, **opts):
        if not path.exists():
            raise CommandError(f"{path}: file not found")
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
                region_code=opts.get("region"),
                progress=progress,
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(f"{path}:{error.line}: {error.reason}")
            raise CommandError(f"{len(exc.errors)} bad row(s): nothing was imported.") from exc
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"{path}:{warning.line}: {warning.reason}"))
        for pair in report.duplicates:
            self.stdout.write(self.style.WARNING(f"probable duplicate: {pair}"))
        verb = "would be" if dry_run else "were"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.created} created, {report.updated} updated, {report.unchanged} "
                f"unchanged, {report.skipped} skipped (other region) {verb} imported from "
                f"{path.name}; communes found by {report.resolved_by}."
            )
        )
