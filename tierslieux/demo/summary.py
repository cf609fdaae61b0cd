"""What the generator made: counts, and money in cents, printed by the command."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from tierslieux.calls.workflow import ApplicationState


@dataclass
class DemoSummary:
    """What the generator made (counts, and money in cents)."""

    calls: int = 0
    applications: int = 0
    states: Counter = field(default_factory=Counter)
    committed_cents: int = 0
    agreements: int = 0
    meetings_held: int = 0
    meetings_pending_overdue: int = 0
    tranches_paid: int = 0
    paid_cents: int = 0
    places_created: int = 0
    places_open: int = 0
    places_closed: int = 0
    organisations: int = 0
    users: int = 0
    surveys: int = 0
    invitations: int = 0
    responses: int = 0
    other_grants: int = 0
    other_grants_cents: int = 0
    journal_entries: int = 0
    premises_agreements: int = 0
    premises_offers: int = 0
    premises_interests: int = 0
    premises_accepted: int = 0
    courses: int = 0
    training_sessions: int = 0
    registrations: int = 0
    cohorts: int = 0
    certified: int = 0
    resources: int = 0
    programmes: int = 0
    years: tuple[int, int] = (0, 0)
    today: datetime.date | None = None
    current_call: str = ""
    current_call_reused: bool = False
    current_states: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        """The summary as lines for the command's output."""
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        return [
            f"Demo records for {self.years[0]}-{self.years[1]} (simulated up to {self.today}):",
            f"  calls {self.calls}; applications {self.applications} ({states})",
            f"  committed by the calls {_euros(self.committed_cents)}; "
            f"other grants {self.other_grants} for {_euros(self.other_grants_cents)}; "
            f"total {_euros(self.committed_cents + self.other_grants_cents)}",
            f"  agreements {self.agreements}; meetings held {self.meetings_held}, "
            f"overdue (not held) {self.meetings_pending_overdue}; "
            f"tranches paid {self.tranches_paid} for {_euros(self.paid_cents)}",
            f"  demo places {self.places_created} (open {self.places_open}, "
            f"closed {self.places_closed}, unpublished)",
            f"  organisations {self.organisations}; users {self.users}",
            f"  surveys {self.surveys}: invitations {self.invitations}, answers {self.responses}",
            f"  journal entries {self.journal_entries}; premises agreements "
            f"{self.premises_agreements}",
            f"  premises on offer {self.premises_offers}; interests {self.premises_interests} "
            f"({self.premises_accepted} accepted)",
            f"  network: courses {self.courses}, sessions {self.training_sessions}, "
            f"registrations {self.registrations}; cohorts {self.cohorts} "
            f"({self.certified} certified); resources {self.resources}; "
            f"partnership programmes {self.programmes}",
            *self._current_lines(),
        ]

    def _current_lines(self) -> list[str]:
        if not self.current_call:
            return []
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.current_states.items()))
        how = "existing call" if self.current_call_reused else "call created"
        awaiting = self.current_states[ApplicationState.ACCEPTED]
        return [
            f"  current year: {self.current_call} ({how}); applications "
            f"{sum(self.current_states.values())} ({states}); "
            f"{awaiting} accepted awaiting their convention"
        ]


def _euros(cents: int) -> str:
    return f"{cents / 100:,.0f} €".replace(",", " ")
