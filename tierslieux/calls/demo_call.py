"""The open demo call that lets a new installation be tried end to end.

``manage.py ensure_demo_call`` makes it when the database has no call; the demo records
(``tierslieux.demo``) make it the same way when it is missing. Its name says it is a demo.
"""

import datetime

from tierslieux.calls.models import Call
from tierslieux.calls.services import call_create
from tierslieux.core.permissions import Actor

DEMO_NAME = "AMI Création de tiers-lieux {year} (DÉMO)"
OPENED_DAYS_AGO = 7
CLOSES_IN_DAYS = 90
BUDGET_CENTS = 1_500_000_00
DESCRIPTION = "Appel de démonstration, créé pour essayer le produit."


def demo_call_create(*, today: datetime.date, by: Actor) -> Call:
    """The open demo creation call of ``today``'s year (opened a week ago, open three months),
    with the policy's five criteria and aid rules."""
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
