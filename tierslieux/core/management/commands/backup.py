"""Back up the database and the attachments into one archive (docs/operations.md)."""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tierslieux.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write tierslieux-<engine>-<date>.tar.gz into --out: the database (SQLite online copy "
        "or pg_dump custom format), MEDIA_ROOT and a manifest with checksums."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="Folder for the archive")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            archive = backup_create(out_dir=out)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
