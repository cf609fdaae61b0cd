"""Pure rules of agreements: no database, plain values in and out.

Money is integer cents, rates ``Decimal``; dates are ``datetime.date``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

KICKOFF = "kickoff"
MIDTERM = "midterm"
FINAL = "final"


def milestone_dates(starts_on: datetime.date, ends_on: datetime.date) -> dict[str, datetime.date]:
    """Proposed dates of the three meetings: at the start (signature), the middle, the end.

    The middle is rounded down to the day: 1 Jan → 31 Dec gives 1 Jul.
    """
    if ends_on < starts_on:
        raise ValueError("ends_on before starts_on")
    middle = starts_on + datetime.timedelta(days=(ends_on - starts_on).days // 2)
    return {KICKOFF: starts_on, MIDTERM: middle, FINAL: ends_on}


@dataclass(frozen=True)
class TrancheSpec:
    """One tranche of a payment schedule, before it is stored."""

    label: str
    amount_cents: int
    depends_on: str
    """The meeting kind whose approval makes it payable ("" = payable at signature)."""
    condition: str = ""


# Share of the grant per tranche of the default schedule: advance, intermediate, balance.
DEFAULT_SHARES: tuple[tuple[str, Decimal, str], ...] = (
    ("advance", Decimal("0.30"), ""),
    ("intermediate", Decimal("0.40"), MIDTERM),
    ("balance", Decimal("0.30"), FINAL),
)


def split_cents(total_cents: int, shares: Sequence[Decimal]) -> list[int]:
    """Split ``total_cents`` by ``shares`` (summing to 1); rounding goes to the last part.

    Every part but the last is rounded half up to the cent; the last is what remains, so the
    parts always sum exactly to ``total_cents``.
    """
    if total_cents < 0:
        raise ValueError("total_cents must be >= 0")
    if sum(shares, Decimal(0)) != 1:
        raise ValueError("shares must sum to 1")
    parts = [
        int((Decimal(total_cents) * s).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for s in shares[:-1]
    ]
    return [*parts, total_cents - sum(parts)]


def default_schedule(granted_cents: int) -> list[TrancheSpec]:
    """30 % at signature, 40 % after the mid-term steering committee, 30 % after the final review.

    Labels are the codes ``advance`` / ``intermediate`` / ``balance``; the service translates them.
    """
    amounts = split_cents(granted_cents, [share for _, share, _ in DEFAULT_SHARES])
    return [
        TrancheSpec(label=code, amount_cents=amount, depends_on=kind)
        for (code, _, kind), amount in zip(DEFAULT_SHARES, amounts, strict=True)
    ]


def schedule_problems(
    schedule: Sequence[TrancheSpec], granted_cents: int, kinds: Sequence[str]
) -> list[str]:
    """What is wrong with a schedule (empty when fine), as codes the service turns into messages.

    ``not_positive``: a tranche of zero or less; ``unknown_meeting``: a condition on an unknown
    meeting kind; ``total``: the tranches do not sum to the grant.
    """
    problems: list[str] = []
    if any(t.amount_cents <= 0 for t in schedule):
        problems.append("not_positive")
    if any(t.depends_on and t.depends_on not in kinds for t in schedule):
        problems.append("unknown_meeting")
    if sum(t.amount_cents for t in schedule) != granted_cents:
        problems.append("total")
    return problems


# --- premises agreements --------------------------------------------------------------------


def rent_per_m2_cents(yearly_rent_cents: int, surface_m2: Decimal | int) -> int:
    """Yearly rent per m² in cents, rounded half up to the cent."""
    surface = Decimal(surface_m2)
    if surface <= 0:
        raise ValueError("surface_m2 must be > 0")
    return int((Decimal(yearly_rent_cents) / surface).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rent_ratio_to_market(
    yearly_rent_cents: int, surface_m2: Decimal | int, reference_rent_per_m2_cents: int
) -> Decimal | None:
    """Rent per m² over the reference market rent per m² (0.50 = half the market), 2 decimals.

    ``None`` when there is no reference (0).
    """
    if reference_rent_per_m2_cents <= 0:
        return None
    per_m2 = Decimal(yearly_rent_cents) / Decimal(surface_m2)
    return (per_m2 / Decimal(reference_rent_per_m2_cents)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


MODERATE_RENT_MAX_RATIO = Decimal("1.00")
"""A rent is moderate when it is at most the reference market rent (assumption, ADR 0010)."""


def rent_is_moderate(ratio: Decimal | None) -> bool | None:
    """True when the rent per m² is at most the market reference; None when unknown."""
    return None if ratio is None else ratio <= MODERATE_RENT_MAX_RATIO


def works_support_allowed(*, works_supported_cents: int, project_eligible: bool) -> bool:
    """Renovation works are supported only for a project eligible to the AMI."""
    return works_supported_cents == 0 or project_eligible


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in range(day.day, 27, -1):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    return datetime.date(year, month, min(day.day, 28))


def premises_ends_on(starts_on: datetime.date, duration_months: int) -> datetime.date:
    """The last day covered by a premises agreement of ``duration_months`` from ``starts_on``."""
    return add_months(starts_on, duration_months) - datetime.timedelta(days=1)


def renewal_reminder_on(renewal_on: datetime.date, notice_days: int) -> datetime.date:
    """The day from which the renewal is reminded."""
    return renewal_on - datetime.timedelta(days=notice_days)
