from django.core.management.base import BaseCommand, CommandError

from tierslieux.accounts.models import User
from tierslieux.calls.demo_call import (  # noqa: F401  (names the demo records still read here)
    BUDGET_CENTS,
    CLOSES_IN_DAYS,
    DEMO_NAME,
    DESCRIPTION,
    OPENED_DAYS_AGO,
    demo_call_create,
)
from tierslieux.calls.models import Call
from tierslieux.core import clock


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
        call = demo_call_create(today=clock.today(), by=admin)
        self.stdout.write(self.style.WARNING(f"Demo call created: {call.name}."))
