"""Pure rules of the calls: identifiers, financing plans, aid amounts, eligibility, budgets.

Plain functions on plain values (integers in cents, ``Decimal`` rates, dates): no database, so
each is tested without one. The figures of the policy are data (``DEFAULT_AID_RULES``,
``DEFAULT_CRITERIA``), copied onto each call when it is created, where staff may change them.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.core import money

# --- identifiers ---------------------------------------------------------------------------

LA_POSTE_SIREN = "356000000"
"""La Poste's establishments share this SIREN; their SIRETs break the Luhn key (see below)."""


def luhn_is_valid(digits: str) -> bool:
    """True when ``digits`` (decimal digits only) pass the Luhn checksum."""
    if not digits.isdigit():
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def siren_is_valid(siren: str) -> bool:
    """A SIREN: 9 digits passing the Luhn checksum."""
    return len(siren) == 9 and luhn_is_valid(siren)


def siret_is_valid(siret: str) -> bool:
    """A SIRET: 14 digits, a valid SIREN, and the Luhn checksum over the 14 digits.

    La Poste's establishments (SIREN 356000000) are the documented exception: INSEE numbers them
    so that the sum of the 14 digits is a multiple of 5 (the head office also passes Luhn).
    Spaces are ignored.
    """
    siret = siret.replace(" ", "")
    if len(siret) != 14 or not siret.isdigit():
        return False
    if siret.startswith(LA_POSTE_SIREN):
        return luhn_is_valid(siret) or sum(int(c) for c in siret) % 5 == 0
    return siren_is_valid(siret[:9]) and luhn_is_valid(siret)


# --- financing plan (amounts in integer cents; core.money turns them into text) -------------


@dataclass(frozen=True)
class PlanBalance:
    """Totals of a financing plan, in cents."""

    expenses_cents: int
    resources_cents: int

    @property
    def difference_cents(self) -> int:
        """Resources minus expenses: positive when over-financed, negative when short."""
        return self.resources_cents - self.expenses_cents

    @property
    def is_balanced(self) -> bool:
        return self.expenses_cents > 0 and self.difference_cents == 0


def financing_plan_balance(
    expenses_cents: Iterable[int], resources_cents: Iterable[int]
) -> PlanBalance:
    """Sum both sides of a plan; it balances when resources equal expenses (to the cent)."""
    return PlanBalance(sum(int(x) for x in expenses_cents), sum(int(x) for x in resources_cents))


# --- aid amount ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AidRule:
    """Regional aid for one vulnerability profile: a rate of eligible expenses, up to a cap."""

    rate: Decimal
    cap_cents: int


# Profile of the territory (values of ``models.VulnerabilityProfile``) -> rule.
# Defaults of the 2022-2024 call: 30 % capped at 60,000 €, 40 % at 80,000 €, 50 % at 100,000 €.
DEFAULT_AID_RULES: dict[str, AidRule] = {
    "standard": AidRule(Decimal("0.30"), 6_000_000),
    "intermediate": AidRule(Decimal("0.40"), 8_000_000),
    "vulnerable": AidRule(Decimal("0.50"), 10_000_000),
}

# INSEE density level (1 dense .. 7 very scattered rural) -> suggested profile. An assumption
# of the product (the Région classes territories with its own vulnerability index): the
# instructor sets the profile; this only pre-fills it.
DEFAULT_PROFILE_BY_DENSITY: dict[int, str] = {
    1: "standard",
    2: "standard",
    3: "standard",
    4: "standard",
    5: "intermediate",
    6: "vulnerable",
    7: "vulnerable",
}


def profile_for_density_level(level: int | None) -> str:
    """The vulnerability profile suggested for a commune of INSEE density ``level``."""
    return DEFAULT_PROFILE_BY_DENSITY.get(level or 0, "standard")


def aid_suggestion(
    eligible_expenses_cents: int,
    profile: str,
    rules: Mapping[str, AidRule] = DEFAULT_AID_RULES,
    *,
    requested_cents: int | None = None,
) -> int:
    """Suggested regional aid in cents: ``rate * eligible expenses``, at most the cap.

    Rounded down to the whole euro; never more than the amount requested when it is given.
    Raises ``KeyError`` when ``profile`` has no rule.
    """
    rule = rules[profile]
    amount = Decimal(max(int(eligible_expenses_cents), 0)) * rule.rate
    euros = (amount / 100).quantize(Decimal(1), rounding=ROUND_DOWN)
    suggestion = min(int(euros) * 100, rule.cap_cents)
    if requested_cents is not None:
        suggestion = min(suggestion, max(int(requested_cents), 0))
    return suggestion


# --- criteria and scores -------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionDefault:
    code: str
    name: str
    description: str
    weight: int = 1
    scale_max: int = 4


# The five criteria of the policy, copied onto each new call (English msgids, stored in the
# language active when the call is created; staff edit them per call).
DEFAULT_CRITERIA: tuple[CriterionDefault, ...] = (
    CriterionDefault(
        "open_to_all",
        gettext_lazy("Open to all"),
        gettext_lazy(
            "The place welcomes every kind of user (teleworkers, freelancers, employees, "
            "associations, inhabitants), not one closed community."
        ),
    ),
    CriterionDefault(
        "flexible_offer",
        gettext_lazy("A flexible and accessible offer"),
        gettext_lazy(
            "Opening hours, formulas and prices suited to local needs, from one hour to a "
            "resident desk."
        ),
    ),
    CriterionDefault(
        "human_welcome",
        gettext_lazy("A human welcome"),
        gettext_lazy(
            "Someone welcomes, connects and animates the community (a facilitator or the "
            "collective)."
        ),
    ),
    CriterionDefault(
        "digital_access",
        gettext_lazy("Digital access"),
        gettext_lazy("Very high-speed internet access and the digital tools of shared work."),
    ),
    CriterionDefault(
        "user_involvement",
        gettext_lazy("Users involved in design, running and animation"),
        gettext_lazy(
            "The users take part in designing the place, its governance and its activities."
        ),
    ),
)


@dataclass(frozen=True)
class CriterionScore:
    score: int | None
    scale_max: int
    weight: int


def weighted_score(scores: Iterable[CriterionScore]) -> Decimal | None:
    """The weighted mean of the scores as a share of the maximum (0..1, 4 decimals).

    ``None`` until every criterion is scored.
    """
    scores = list(scores)
    if not scores or any(s.score is None for s in scores):
        return None
    total_weight = sum(s.weight for s in scores)
    if total_weight <= 0:
        return None
    value = sum(Decimal(s.score) / Decimal(s.scale_max) * s.weight for s in scores) / total_weight
    return value.quantize(Decimal("0.0001"))


# --- eligibility ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether an application meets the call's rules, and why not."""

    reasons: tuple[str, ...] = ()

    @property
    def is_eligible(self) -> bool:
        return not self.reasons


def creation_eligibility(
    minutes_to_nearest: float | None, *, threshold_minutes: float
) -> Eligibility:
    """Creation is for a *territoire en carence*: no open place within the threshold.

    ``minutes_to_nearest`` is ``None`` (or infinite) when no open place can be reached at all.
    """
    if minutes_to_nearest is None or minutes_to_nearest != minutes_to_nearest:  # None or NaN
        return Eligibility()
    if minutes_to_nearest <= threshold_minutes:
        return Eligibility(
            (
                _(
                    "An open tiers-lieu is %(minutes)s minutes away, within the %(threshold)s "
                    "minutes of the call: creation is reserved for under-served territories."
                )
                % {"minutes": f"{minutes_to_nearest:.0f}", "threshold": f"{threshold_minutes:g}"},
            )
        )
    return Eligibility()


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from ``start`` to ``end`` (a 29 February counts as 28 February)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def development_eligibility(
    *,
    is_open: bool,
    opened_on: datetime.date | None,
    staff_fte: Decimal | None,
    on: datetime.date,
    min_years_open: int = 3,
    min_staff_fte: Decimal = Decimal("0.5"),
) -> Eligibility:
    """Development is for a place open for at least ``min_years_open`` years with staff."""
    reasons: list[str] = []
    if not is_open:
        reasons.append(_("The tiers-lieu is not open."))
    if opened_on is None:
        reasons.append(_("The opening date of the tiers-lieu is unknown."))
    elif years_between(opened_on, on) < min_years_open:
        reasons.append(
            _("The tiers-lieu must have been open for at least %(years)s years.")
            % {"years": min_years_open}
        )
    if staff_fte is None:
        reasons.append(_("The staff of the tiers-lieu (full-time equivalent) is unknown."))
    elif Decimal(staff_fte) < Decimal(min_staff_fte):
        reasons.append(
            _("The tiers-lieu must employ at least %(fte)s full-time equivalent.")
            % {"fte": f"{Decimal(min_staff_fte).normalize()}"}
        )
    return Eligibility(tuple(reasons))


# --- budget --------------------------------------------------------------------------------


def add_years(day: datetime.date, years: int) -> datetime.date:
    """``day`` plus whole years (29 February becomes 28 February when needed)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def budget_refusal(
    *, envelope_cents: int, committed_cents: int, amount_cents: int, departement: str = ""
) -> str | None:
    """A message when granting ``amount_cents`` would exceed the envelope (or the ceiling of
    ``departement`` when given), else ``None``."""
    remaining = envelope_cents - committed_cents
    if amount_cents > remaining and departement:
        return _(
            "This decision would exceed the ceiling for %(departement)s: %(amount)s requested, "
            "%(remaining)s remaining out of %(envelope)s."
        ) % {
            "departement": departement,
            "amount": money.format_euros(amount_cents),
            "remaining": money.format_euros(remaining),
            "envelope": money.format_euros(envelope_cents),
        }
    if amount_cents > remaining:
        return _(
            "This decision would exceed the budget envelope: %(amount)s requested, "
            "%(remaining)s remaining out of %(envelope)s."
        ) % {
            "amount": money.format_euros(amount_cents),
            "remaining": money.format_euros(remaining),
            "envelope": money.format_euros(envelope_cents),
        }
    return None
