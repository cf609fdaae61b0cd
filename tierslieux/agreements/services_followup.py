"""Writes on a signed agreement: its three meetings and the payment of its tranches.

Every meeting decision and payment writes an ``AgreementLog`` row; approving a meeting makes the
tranches depending on it payable. Business refusals raise ``ValidationError``
(``PaymentRefused``); a user without the right raises ``PermissionDenied``.
"""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tierslieux.agreements.models import (
    MILESTONE_ORDER,
    Agreement,
    AgreementEvent,
    AgreementIndicator,
    AgreementLog,
    IndicatorKind,
    IndicatorValue,
    Milestone,
    MilestoneDecision,
    MilestoneKind,
    PaymentTranche,
    TrancheState,
)
from tierslieux.agreements.workflow import FINAL_STATES, AgreementState
from tierslieux.core import clock
from tierslieux.core.money import format_euros
from tierslieux.core.permissions import Actor, require
from tierslieux.core.workflow import logged_actor

logger = logging.getLogger(__name__)

MANAGE = "agreements.agreement_manage"


class PaymentRefused(ValidationError):
    """A tranche cannot be paid (meeting not approved, order, total above the grant...)."""


def agreement_log(agreement: Agreement, event: str, by: Actor, **fields: Any) -> AgreementLog:
    """Write one event of ``agreement`` (the actor kept, ``None`` for the system)."""
    return AgreementLog.objects.create(
        agreement=agreement, event=event, by=logged_actor(by), **fields
    )


def tranches_become_payable(agreement: Agreement, depends_on: str, by: Actor) -> None:
    """The scheduled tranches depending on ``depends_on`` ("" = signature) become payable."""
    for tranche in agreement.tranches.filter(depends_on=depends_on, state=TrancheState.SCHEDULED):
        tranche.state = TrancheState.PAYABLE
        tranche.full_clean()
        tranche.save()
        agreement_log(
            agreement,
            AgreementEvent.TRANCHE_PAYABLE,
            by,
            tranche=tranche,
            from_state=TrancheState.SCHEDULED,
            to_state=TrancheState.PAYABLE,
            amount_cents=tranche.amount_cents,
        )
        logger.info("agreement %s: tranche %s payable", agreement.pk, tranche.pk)


# --- meetings --------------------------------------------------------------------------------


@transaction.atomic
def milestone_reschedule(
    *, milestone: Milestone, planned_on: datetime.date, by: Actor, reason: str = ""
) -> Milestone:
    """Change the proposed date of a meeting not held yet."""
    require(by, MANAGE, milestone.agreement)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.agreement.state in FINAL_STATES:
        raise ValidationError(_("The agreement is closed."), code="agreement_closed")
    if milestone.held_on is not None:
        raise ValidationError(
            _("This meeting was held: its date can no longer be changed."), code="held"
        )
    previous = milestone.planned_on
    milestone.planned_on = planned_on
    milestone.full_clean()
    milestone.save()
    agreement_log(
        milestone.agreement,
        AgreementEvent.MEETING_RESCHEDULED,
        by,
        milestone=milestone,
        from_state=previous.isoformat(),
        to_state=planned_on.isoformat(),
        note=reason.strip(),
    )
    return milestone


@dataclass(frozen=True)
class ValueInput:
    """The value of one indicator at a meeting: a number (quantitative) or a text."""

    indicator: AgreementIndicator
    value: Decimal | None = None
    text: str = ""
    comment: str = ""


@transaction.atomic
def milestone_record(
    *,
    milestone: Milestone,
    held_on: datetime.date,
    participants: str,
    minutes: str,
    indicator_values: Sequence[ValueInput] = (),
    decision: str,
    by: Actor,
) -> Milestone:
    """Record a meeting held: participants, minutes, indicator values and the decision.

    Meetings are held in order (kick-off, mid-term, final), each once approved; a meeting asking
    for adjustments may be recorded again. The final review needs a value for every indicator.
    Approving a meeting makes the tranches depending on it payable.
    """
    require(by, MANAGE, milestone.agreement)
    milestone = (
        Milestone.objects.select_for_update().select_related("agreement").get(pk=milestone.pk)
    )
    agreement = milestone.agreement
    if agreement.state != AgreementState.SIGNED:
        raise ValidationError(_("Meetings are recorded on a signed agreement."), code="not_signed")
    if milestone.decision == MilestoneDecision.APPROVED:
        raise ValidationError(_("This meeting is already approved."), code="already_approved")
    if decision not in MilestoneDecision.values or decision == MilestoneDecision.PENDING:
        raise ValidationError(
            _("The decision must be “approved” or “adjustments required”."), code="decision"
        )
    previous_kinds = MILESTONE_ORDER[: MILESTONE_ORDER.index(milestone.kind)]
    if (
        agreement.milestones.filter(kind__in=previous_kinds)
        .exclude(decision=MilestoneDecision.APPROVED)
        .exists()
    ):
        raise ValidationError(
            _("The previous meetings must be approved first."), code="previous_not_approved"
        )
    if held_on > clock.today():
        raise ValidationError(_("A meeting cannot be recorded before it is held."), code="future")
    for item in indicator_values:
        if item.indicator.agreement_id != agreement.pk:
            raise ValidationError(
                _("The indicator “%(label)s” is not one of this agreement.")
                % {"label": item.indicator.label},
                code="foreign_indicator",
            )
        if item.indicator.kind == IndicatorKind.QUANTITATIVE and item.value is None:
            raise ValidationError(
                _("The indicator “%(label)s” needs a number.") % {"label": item.indicator.label},
                code="value_required",
            )
        row = IndicatorValue.objects.filter(
            milestone=milestone, indicator=item.indicator
        ).first() or IndicatorValue(milestone=milestone, indicator=item.indicator)
        row.value = item.value
        row.text = item.text
        row.comment = item.comment
        row.full_clean()
        row.save()
    if milestone.kind == MilestoneKind.FINAL and decision == MilestoneDecision.APPROVED:
        missing = agreement.indicators.exclude(values__milestone=milestone)
        if missing.exists():
            raise ValidationError(
                _("The final review needs a value for every indicator (missing: %(labels)s).")
                % {"labels": ", ".join(i.label for i in missing)},
                code="indicators_missing",
            )
    previous = milestone.decision
    milestone.held_on = held_on
    milestone.participants = participants
    milestone.minutes = minutes
    milestone.decision = decision
    milestone.decided_by = logged_actor(by)
    milestone.decided_at = clock.now()
    milestone.full_clean()
    milestone.save()
    agreement_log(
        agreement,
        AgreementEvent.MEETING_RECORDED,
        by,
        milestone=milestone,
        from_state=previous,
        to_state=decision,
    )
    logger.info("agreement %s: meeting %s recorded, %s", agreement.pk, milestone.kind, decision)
    if decision == MilestoneDecision.APPROVED:
        tranches_become_payable(agreement, milestone.kind, by)
    return milestone


# --- payments --------------------------------------------------------------------------------


@transaction.atomic
def tranche_pay(
    *, tranche: PaymentTranche, paid_on: datetime.date, amount_cents: int, by: Actor
) -> PaymentTranche:
    """Pay a tranche: its meeting approved, earlier tranches paid, the total within the grant."""
    require(by, MANAGE, tranche.agreement)
    agreement = Agreement.objects.select_for_update().get(pk=tranche.agreement_id)
    tranche = PaymentTranche.objects.select_for_update().get(pk=tranche.pk)
    if agreement.state != AgreementState.SIGNED:
        raise PaymentRefused(
            _("Tranches are paid on a signed agreement (status: %(state)s).")
            % {"state": agreement.get_state_display()},
            code="not_signed",
        )
    if tranche.state == TrancheState.PAID:
        raise PaymentRefused(_("This tranche is already paid."), code="already_paid")
    if tranche.depends_on:
        milestone = agreement.milestones.get(kind=tranche.depends_on)
        if milestone.decision != MilestoneDecision.APPROVED:
            raise PaymentRefused(
                _(
                    "This tranche is not payable yet: it depends on the %(meeting)s, which is "
                    "not approved (%(decision)s)."
                )
                % {
                    "meeting": milestone.get_kind_display().lower(),
                    "decision": milestone.get_decision_display().lower(),
                },
                code="meeting_not_approved",
            )
    if tranche.state != TrancheState.PAYABLE:
        raise PaymentRefused(_("This tranche is not payable yet."), code="not_payable")
    unpaid_before = agreement.tranches.filter(order__lt=tranche.order).exclude(
        state=TrancheState.PAID
    )
    if unpaid_before.exists():
        raise PaymentRefused(
            _("The tranches are paid in order: pay “%(label)s” first.")
            % {"label": unpaid_before.order_by("order").first().label},
            code="order",
        )
    if amount_cents <= 0:
        raise PaymentRefused(_("The amount paid must be positive."), code="not_positive")
    if amount_cents > tranche.amount_cents:
        raise PaymentRefused(
            _("The amount paid exceeds the tranche (%(amount)s).")
            % {"amount": format_euros(tranche.amount_cents)},
            code="above_tranche",
        )
    already = (
        agreement.tranches.filter(state=TrancheState.PAID).aggregate(s=Sum("paid_amount_cents"))[
            "s"
        ]
        or 0
    )
    if already + amount_cents > agreement.amount_cents:
        raise PaymentRefused(
            _("The total paid would exceed the grant (%(paid)s + %(amount)s > %(grant)s).")
            % {
                "paid": format_euros(already),
                "amount": format_euros(amount_cents),
                "grant": format_euros(agreement.amount_cents),
            },
            code="above_grant",
        )
    if agreement.signed_on and paid_on < agreement.signed_on:
        raise PaymentRefused(
            _("A tranche cannot be paid before the agreement is signed."), code="before_signature"
        )
    tranche.state = TrancheState.PAID
    tranche.paid_on = paid_on
    tranche.paid_amount_cents = amount_cents
    tranche.full_clean()
    tranche.save()
    agreement_log(
        agreement,
        AgreementEvent.TRANCHE_PAID,
        by,
        tranche=tranche,
        from_state=TrancheState.PAYABLE,
        to_state=TrancheState.PAID,
        amount_cents=amount_cents,
        note=paid_on.isoformat(),
    )
    logger.info("agreement %s: tranche %s paid, %s cents", agreement.pk, tranche.pk, amount_cents)
    return tranche
