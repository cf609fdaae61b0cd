"""Demo records: ten years of a regional tiers-lieux policy, replayed through the services.

``demo_records_generate`` makes up the records an evaluation needs (calls, applications and
their instruction, decisions, conventions with their three meetings and payment tranches, the
places the funded projects open and the few that close, the yearly surveys of places, the yearly
support to the regional network, the accompaniment journal and premises lent by communes) over
the real territory and the real places, so that the dashboard shows meaningful figures after
``make run``. Then, so that the instruction pages have work in progress, about ten
applications of the current year on the open demo call of the year (``ensure_demo_call``'s, or
one made the same way), at every step of the workflow (``policy.CURRENT_YEAR_STATES``).

Calls, applications, decisions, agreements, meetings, payments, surveys, premises and journal
entries are made by the same services as the pages, on simulated days (``replay``), through
the real validation path; records without a write service (demo users and organisations, demo
places, other grants, survey invitations and answers) are validated with ``full_clean``.
Nothing is recorded after the real today: meetings planned later stay pending, tranches unpaid.
How the records are labelled: ``labels``. Determinism: the same seed, years and day give the
same records (``random.Random(seed)``, records read in a fixed order).
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from tierslieux.agreements.models import Milestone
from tierslieux.agreements.workflow import AgreementState
from tierslieux.calls.models import Call
from tierslieux.core import clock
from tierslieux.demo.beyond import BeyondCalls
from tierslieux.demo.current_year import CurrentYear
from tierslieux.demo.history import YearsOfCalls
from tierslieux.demo.names import date_of
from tierslieux.demo.network import NetworkPartnership
from tierslieux.demo.policy import (
    DEFAULT_FROM_YEAR,
    DEFAULT_SEED,
    DEFAULT_TO_YEAR,
    LOCAL_NETWORK_YEARS,
)
from tierslieux.demo.premises import PremisesOffers
from tierslieux.demo.replay import GainTable, replaying
from tierslieux.demo.summary import DemoSummary
from tierslieux.demo.surveys import SurveyYears
from tierslieux.demo.territory import territory_read


class Generator(
    YearsOfCalls, CurrentYear, BeyondCalls, SurveyYears, PremisesOffers, NetworkPartnership
):
    """The whole generator: the years of calls, what lies beyond the calls, the surveys, the
    current year, the premises on offer and the network's partnership, in that order."""

    def run(self) -> DemoSummary:
        threshold = float(Call._meta.get_field("carence_minutes").default)
        communes, gains, self.model = territory_read(threshold)
        self.gain = GainTable(gains)
        with replaying(self.clock):
            self.actors()
            for year in range(self.from_year, self.to_year + 1):
                if date_of(year, 1, 15) > self.today:
                    break
                self.creation_year(year, communes)
                self.development_year(year)
                if year in LOCAL_NETWORK_YEARS:
                    self.local_network_year(year, communes)
            self.network_grants()
            self.premises()
            self.journal(communes)
            self.surveys()
            # The network's side (issue 16), from a random stream of its own.
            self.network_partnership()
            # Drawn from a random stream of its own: the records above do not change with it.
            self.rng = random.Random(f"{self.seed}-current-year")
            self.current_year(communes)
            self.rng = random.Random(f"{self.seed}-premises")
            self.premises_offers(communes)
        self.summary.meetings_pending_overdue = Milestone.objects.filter(
            agreement__application__call__is_demo=True,
            agreement__state=AgreementState.SIGNED,
            held_on__isnull=True,
            planned_on__lt=self.today,
        ).count()
        return self.summary


@transaction.atomic
def demo_records_generate(
    *,
    seed: int = DEFAULT_SEED,
    from_year: int = DEFAULT_FROM_YEAR,
    to_year: int = DEFAULT_TO_YEAR,
    today: datetime.date | None = None,
) -> DemoSummary:
    """Make the demo records for ``from_year``..``to_year`` (nothing after ``today``).

    Deterministic for a given seed, years and day. The caller checks ``demo_records_exist``
    first (the command does): a second run over existing demo records fails (the demo users
    exist) and, being one transaction, leaves them as they were.
    """
    today = today or clock.today()
    if from_year > to_year:
        raise ValueError("from_year must not be after to_year")
    generator = Generator(
        seed=seed, from_year=from_year, to_year=min(to_year, today.year), today=today
    )
    return generator.run()
