"""The open DEMO call a new installation is tried with (``manage.py ensure_demo_call``).

Its name, window and envelope live here, not in the command, so that other code (the demo
records) can make or recognise the same call without importing a management command.
"""

import datetime

from tierslieux.accounts.models import User
from tierslieux.calls.models import Call
from tierslieux.calls.services import call_create

DEMO_NAME = "AMI Création de tiers-lieux {year} (DÉMO)"
OPENED_DAYS_AGO = 7
CLOSES_IN_DAYS = 90
BUDGET_CENTS = 1_500_000_00
DESCRIPTION = "Appel de démonstration, créé pour essayer le produit."


def demo_call_create(*, today: datetime.date, by: User) -> Call:
    """The open demo creation call of ``today``'s year (the policy's criteria and aid rules)."""
    return call_create(
        name=DEMO_NAME.format(year=today.year),
        kind="creation",
        year=today.year,
        opens_on=today - datetime.timedelta(days=OPENED_DAYS_AGO),
        closes_on=today + datetime.timedelta(days=CLOSES_IN_DAYS),
        budget_cents=BUDGET_CENTS,
        description=DESCRIPTION,
        is_demo=True,
        by=by,
    )
