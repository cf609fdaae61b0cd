"""``manage.py demo_records``: ten years of demo records so that the dashboard means something,
and the current year's work in progress on the open demo call.

See ``tierslieux/demo/`` and ``docs/demo-data.md``.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tierslieux.demo import users as demo_users
from tierslieux.demo.delete import demo_records_delete
from tierslieux.demo.generator import demo_records_generate
from tierslieux.demo.labels import DEMO_PLACE_SOURCE, demo_records_exist
from tierslieux.demo.policy import DEFAULT_FROM_YEAR, DEFAULT_SEED, DEFAULT_TO_YEAR
from tierslieux.places.models import Place


class Command(BaseCommand):
    help = (
        "Generate realistic DEMO records over the real territory and places (calls, "
        "applications, decisions, conventions, meetings, payments, demo places, surveys, "
        "support to the regional network), labelled as demo everywhere, then about ten "
        "applications in progress on the open demo call of the current year (the call of "
        "ensure_demo_call, made again if missing). Does nothing if they "
        "exist, unless --reset (delete the demo records, then generate) or --delete (only "
        "delete them). Real records are never touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--from-year", type=int, default=DEFAULT_FROM_YEAR)
        parser.add_argument("--to-year", type=int, default=DEFAULT_TO_YEAR)
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--reset", action="store_true", help="Delete the demo records, then generate them."
        )
        action.add_argument(
            "--delete", action="store_true", help="Delete the demo records and stop."
        )

    def handle(self, *args, **options):
        if options["from_year"] > options["to_year"]:
            raise CommandError("--from-year must not be after --to-year.")
        started = time.monotonic()
        with transaction.atomic():
            if options["delete"] or options["reset"]:
                deleted = demo_records_delete()
                total = sum(deleted.values())
                self.stdout.write(f"Demo records deleted: {total} rows.")
                for label, count in deleted.items():
                    self.stdout.write(f"  {label}: {count}")
                if options["delete"]:
                    return
            elif demo_records_exist():
                self.stdout.write(
                    "Demo records exist already: nothing generated (use --reset to make them "
                    "again, --delete to remove them)."
                )
                return
            if not Place.objects.exclude(source=DEMO_PLACE_SOURCE).exists():
                self.stdout.write(
                    self.style.WARNING(
                        "No real place in the directory: the demo is generated over an empty "
                        "network (run import_places first for realistic figures)."
                    )
                )
            summary = demo_records_generate(
                seed=options["seed"], from_year=options["from_year"], to_year=options["to_year"]
            )
            logins = demo_users.demo_users_ensure()
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write("Demo accounts, one per role (docs/demo-data.md):")
        for login in logins:
            self.stdout.write(
                f"  {login.username} ({login.role.value}) {login.organisation}".rstrip()
            )
        if logins and logins[0].can_sign_in:
            self.stdout.write(
                f"  password (development only, DEBUG on): {demo_users.DEMO_PASSWORD}"
            )
        else:
            self.stdout.write("  no password set: DEBUG is off, nobody can sign in with them.")
        self.stdout.write(
            self.style.WARNING(
                f"DEMO records generated in {time.monotonic() - started:.1f} s: they are made up "
                "and labelled as demo; remove them with `manage.py demo_records --delete`."
            )
        )
