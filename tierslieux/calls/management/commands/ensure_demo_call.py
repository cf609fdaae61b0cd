import datetime

from django.core.management.base import BaseCommand, CommandError

from tierslieux.accounts.models import User
from tierslieux.calls.models import Call
from tierslieux.calls.services import call_create
from tierslieux.core import clock

DEMO_NAME = "AMI Création de tiers-lieux {year} (DÉMO)"
OPENED_DAYS_AGO = 7
CLOSES_IN_DAYS = 90
BUDGET_CENTS = 1_500_000_00
DESCRIPTION = "Appel de démonstration, créé pour essayer le produit."


class Command(BaseCommand):
    help = (
        "Create one open DEMO call (creation of tiers-lieux, the policy's five criteria and the "
        "2022-2024 aid rules) if the database has no call, so that a new installation can be "
        "tried end to end. Its name says it is a demo."
    )

    def handle(self, *args, **options):
        if Call.objects.exists():
            self.stdout.write("Calls exist already: no demo call created.")
            return
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("No active superuser: run `manage.py ensure_demo_admin` first.")
        today = clock.today()
        call = call_create(
            name=DEMO_NAME.format(year=today.year),
            kind="creation",
            year=today.year,
            opens_on=today - datetime.timedelta(days=OPENED_DAYS_AGO),
            closes_on=today + datetime.timedelta(days=CLOSES_IN_DAYS),
            budget_cents=BUDGET_CENTS,
            description=DESCRIPTION,
            is_demo=True,
            by=admin,
        )
        self.stdout.write(self.style.WARNING(f"Demo call created: {call.name}."))
