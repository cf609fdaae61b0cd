"""Restore the database and the attachments from an archive made by ``backup``."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tierslieux.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive made by `backup`: checksums and engine are checked; a database "
        "with tables or a non-empty MEDIA_ROOT is replaced only with --force (the old media "
        "folder is kept aside)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="Replace a database that already has tables"
        )

    def handle(self, *args: Any, archive: Path, force: bool, **options: Any) -> None:
        try:
            report = backup_restore(archive=archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {report.archive} ({report.engine}, {report.files} files)")
        if report.media_replaced_to:
            self.stdout.write(f"The previous media folder is kept in {report.media_replaced_to}")
        if report.migrations_missing_in_code:
            self.stderr.write(
                "Warning: the backup has migrations this code does not know (older code?): "
                + ", ".join(report.migrations_missing_in_code[:10])
            )
        if report.migrations_to_apply:
            self.stdout.write(
                f"{report.migrations_to_apply} migration(s) to apply: run `manage.py migrate`."
            )
