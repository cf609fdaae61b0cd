"""Writes on agreements, premises agreements and the accompaniment journal.

Every state change, meeting decision and payment writes an ``AgreementLog`` row. Business
refusals raise ``ValidationError`` (``InvalidTransition``, ``PaymentRefused``); a user without
the right raises ``PermissionDenied``.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tierslieux.agreements import rules
from tierslieux.agreements.models import (
    MILESTONE_ORDER,
    Agreement,
    AgreementEvent,
    AgreementIndicator,
    AgreementLog,
    IndicatorKind,
    IndicatorValue,
    JournalEntry,
    JournalKind,
    Milestone,
    MilestoneDecision,
    MilestoneKind,
    PaymentTranche,
    PremisesAgreement,
    TrancheState,
)
from tierslieux.agreements.workflow import TRANSITIONS, AgreementState, Guard, Transition
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.core.money import format_euros
from tierslieux.core.permissions import require

MANAGE = "agreements.agreement_manage"


class InvalidTransition(ValidationError):
    """The workflow does not allow this move from the agreement's current state."""


class PaymentRefused(ValidationError):
    """A tranche cannot be paid (meeting not approved, order, total above the grant...)."""


def _by(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _log(agreement: Agreement, event: str, by: Any, **fields: Any) -> AgreementLog:
    return AgreementLog.objects.create(agreement=agreement, event=event, by=_by(by), **fields)


def _tranche_label(code: str) -> str:
    labels = {
        "advance": _("Advance at signature"),
        "intermediate": _("Intermediate payment"),
        "balance": _("Balance"),
    }
    return labels.get(code, code)


def tranche_condition(depends_on: str) -> str:
    """The default condition of a tranche, from the meeting it depends on ("" = signature)."""
    conditions = {
        "": _("Payable once the agreement is signed."),
        MilestoneKind.KICKOFF: _("Payable once the kick-off meeting is approved."),
        MilestoneKind.MIDTERM: _("Payable once the mid-funding steering committee is approved."),
        MilestoneKind.FINAL: _("Payable once the final review is approved."),
    }
    return conditions[depends_on]


# --- agreements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorInput:
    """An indicator to create with an agreement."""

    kind: str
    label: str
    baseline: Decimal | str
    target: Decimal | str
    unit: str = ""


@transaction.atomic
def agreement_create_from_application(
    *,
    application: Application,
    by: Any,
    starts_on: datetime.date,
    ends_on: datetime.date,
    schedule: Sequence[rules.TrancheSpec] | None = None,
    parties: str = "",
    object: str = "",
    indicators: Sequence[IndicatorInput] = (),
    reference: str = "",
) -> Agreement:
    """Draft the agreement of an accepted application with its three meetings and tranches.

    The amount is the committee's grant; the meetings' dates are proposed by
    ``rules.milestone_dates``; the schedule defaults to ``rules.default_schedule`` and must sum
    exactly to the grant.
    """
    require(by, MANAGE)
    application = Application.objects.select_for_update().get(pk=application.pk)
    decision = getattr(application, "decision", None)
    if application.state != ApplicationState.ACCEPTED or decision is None or not decision.accepted:
        raise ValidationError(
            _("Only an accepted application can get an agreement."), code="not_accepted"
        )
    if Agreement.objects.filter(application=application).exists():
        raise ValidationError(
            _("This application already has an agreement."), code="already_exists"
        )
    if ends_on <= starts_on:
        raise ValidationError(
            _("The funding period must end after it starts."), code="invalid_period"
        )
    granted = decision.granted_cents
    tranches = list(schedule) if schedule is not None else rules.default_schedule(granted)
    problems = rules.schedule_problems(tranches, granted, MilestoneKind.values)
    if problems:
        messages = {
            "not_positive": _("Every tranche must be a positive amount."),
            "unknown_meeting": _("A tranche depends on an unknown meeting."),
            "total": _(
                "The tranches must add up exactly to the grant (%(granted)s; they add up to "
                "%(total)s)."
            )
            % {
                "granted": format_euros(granted),
                "total": format_euros(sum(t.amount_cents for t in tranches)),
            },
        }
        raise ValidationError([messages[p] for p in problems], code="invalid_schedule")
    agreement = Agreement(
        application=application,
        reference=reference or decision.reference,
        parties=parties
        or _("The Région Nouvelle-Aquitaine and %(holder)s")
        % {"holder": application.organisation.name},
        object=object or application.title,
        amount_cents=granted,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=_by(by),
    )
    agreement.full_clean()
    agreement.save()
    for kind, planned_on in rules.milestone_dates(starts_on, ends_on).items():
        milestone = Milestone(agreement=agreement, kind=kind, planned_on=planned_on)
        milestone.full_clean()
        milestone.save()
    for order, spec in enumerate(tranches, 1):
        tranche = PaymentTranche(
            agreement=agreement,
            order=order,
            label=_tranche_label(spec.label),
            amount_cents=spec.amount_cents,
            condition=spec.condition or tranche_condition(spec.depends_on),
            depends_on=spec.depends_on,
        )
        tranche.full_clean()
        tranche.save()
    for order, ind in enumerate(indicators, 1):
        indicator_add(agreement=agreement, by=by, order=order, **ind.__dict__)
    _log(agreement, AgreementEvent.STATE_CHANGED, by, to_state=AgreementState.DRAFT)
    return agreement


@transaction.atomic
def indicator_add(
    *,
    agreement: Agreement,
    kind: str,
    label: str,
    baseline: Decimal | str,
    target: Decimal | str,
    by: Any,
    unit: str = "",
    order: int = 0,
) -> AgreementIndicator:
    """Add an indicator (numbers when quantitative, descriptions when qualitative)."""
    require(by, MANAGE)
    if agreement.state != AgreementState.DRAFT:
        raise ValidationError(
            _("Indicators are set while the agreement is a draft."), code="not_draft"
        )
    indicator = AgreementIndicator(
        agreement=agreement, kind=kind, label=label, unit=unit, order=order
    )
    if kind == IndicatorKind.QUANTITATIVE:
        indicator.baseline_value = Decimal(str(baseline))
        indicator.target_value = Decimal(str(target))
    else:
        indicator.baseline_text = str(baseline)
        indicator.target_text = str(target)
    indicator.full_clean()
    indicator.save()
    return indicator


def _guard_signature_date(agreement: Agreement, signed_on: datetime.date | None) -> None:
    if signed_on is None:
        raise ValidationError(_("Please give the signature date."), code="signed_on_required")


def _guard_final_review_approved(agreement: Agreement, signed_on: datetime.date | None) -> None:
    final = agreement.milestones.get(kind=MilestoneKind.FINAL)
    if final.decision != MilestoneDecision.APPROVED:
        raise ValidationError(
            _("The agreement can be closed only after the final review is approved."),
            code="final_not_approved",
        )


GUARDS = {
    Guard.SIGNATURE_DATE: _guard_signature_date,
    Guard.FINAL_REVIEW_APPROVED: _guard_final_review_approved,
}


def _tranches_become_payable(agreement: Agreement, depends_on: str, by: Any) -> None:
    for tranche in agreement.tranches.filter(depends_on=depends_on, state=TrancheState.SCHEDULED):
        tranche.state = TrancheState.PAYABLE
        tranche.full_clean()
        tranche.save()
        _log(
            agreement,
            AgreementEvent.TRANCHE_PAYABLE,
            by,
            tranche=tranche,
            from_state=TrancheState.SCHEDULED,
            to_state=TrancheState.PAYABLE,
            amount_cents=tranche.amount_cents,
        )


@transaction.atomic
def agreement_transition(
    *,
    agreement: Agreement,
    to: str,
    by: Any,
    reason: str = "",
    signed_on: datetime.date | None = None,
) -> Agreement:
    """Move an agreement along the workflow (the one place where its state changes).

    Signing records the signature date, moves the kick-off meeting to it (unless held) and makes
    the tranches payable at signature payable.
    """
    current = Agreement.objects.select_for_update().get(pk=agreement.pk)
    transition: Transition | None = TRANSITIONS.get((current.state, to))
    if transition is None:
        raise InvalidTransition(
            _("An agreement cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": current.get_state_display(),
                "to": AgreementState(to).label if to in AgreementState.values else to,
            },
            code="invalid_transition",
        )
    require(by, transition.action, current)
    reason = reason.strip()
    if transition.reason_required and not reason:
        raise ValidationError(_("Please give a reason."), code="reason_required")
    if transition.guard is not None:
        GUARDS[transition.guard](current, signed_on)
    current.state = transition.target
    if transition.target == AgreementState.SIGNED:
        current.signed_on = signed_on
    current.full_clean()
    current.save()
    _log(
        current,
        AgreementEvent.STATE_CHANGED,
        by,
        from_state=transition.source,
        to_state=transition.target,
        note=reason,
    )
    if transition.target == AgreementState.SIGNED:
        kickoff = current.milestones.get(kind=MilestoneKind.KICKOFF)
        if kickoff.held_on is None and kickoff.planned_on != signed_on:
            kickoff.planned_on = signed_on
            kickoff.full_clean()
            kickoff.save()
        _tranches_become_payable(current, "", by)
    agreement.refresh_from_db()
    return current


def agreement_sign(*, agreement: Agreement, signed_on: datetime.date, by: Any) -> Agreement:
    return agreement_transition(
        agreement=agreement, to=AgreementState.SIGNED, by=by, signed_on=signed_on
    )


# --- meetings --------------------------------------------------------------------------------


@transaction.atomic
def milestone_reschedule(
    *, milestone: Milestone, planned_on: datetime.date, by: Any, reason: str = ""
) -> Milestone:
    """Change the proposed date of a meeting not held yet."""
    require(by, MANAGE, milestone.agreement)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.agreement.state in {AgreementState.CLOSED, AgreementState.TERMINATED}:
        raise ValidationError(_("The agreement is closed."), code="agreement_closed")
    if milestone.held_on is not None:
        raise ValidationError(
            _("This meeting was held: its date can no longer be changed."), code="held"
        )
    previous = milestone.planned_on
    milestone.planned_on = planned_on
    milestone.full_clean()
    milestone.save()
    _log(
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
    by: Any,
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
    milestone.decided_by = _by(by)
    milestone.decided_at = clock.now()
    milestone.full_clean()
    milestone.save()
    _log(
        agreement,
        AgreementEvent.MEETING_RECORDED,
        by,
        milestone=milestone,
        from_state=previous,
        to_state=decision,
    )
    if decision == MilestoneDecision.APPROVED:
        _tranches_become_payable(agreement, milestone.kind, by)
    return milestone


# --- payments --------------------------------------------------------------------------------


@transaction.atomic
def tranche_pay(
    *, tranche: PaymentTranche, paid_on: datetime.date, amount_cents: int, by: Any
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
    _log(
        agreement,
        AgreementEvent.TRANCHE_PAID,
        by,
        tranche=tranche,
        from_state=TrancheState.PAYABLE,
        to_state=TrancheState.PAID,
        amount_cents=amount_cents,
        note=paid_on.isoformat(),
    )
    return tranche


# --- premises agreements ---------------------------------------------------------------------


@transaction.atomic
def premises_agreement_create(*, by: Any, **fields: Any) -> PremisesAgreement:
    """Record premises lent by a local authority.

    Works are supported only when the project is eligible to the AMI
    (``rules.works_support_allowed``); when an application is linked, eligibility is its having
    been accepted unless the instructor sets ``works_eligible`` explicitly.
    """
    require(by, "agreements.premises_manage")
    premises = PremisesAgreement(created_by=_by(by), **fields)
    if "works_eligible" not in fields and premises.application_id:
        premises.works_eligible = premises.application.state == ApplicationState.ACCEPTED
    if not rules.works_support_allowed(
        works_supported_cents=premises.works_supported_cents,
        project_eligible=premises.works_eligible,
    ):
        raise ValidationError(
            _("Renovation works are supported only for a project eligible to the call (AMI)."),
            code="works_not_eligible",
        )
    premises.full_clean()
    premises.save()
    return premises


# --- accompaniment journal -------------------------------------------------------------------


@transaction.atomic
def journal_entry_create(
    *,
    by: Any,
    stage: str,
    kind: str,
    happened_on: datetime.date,
    notes: str = "",
    referral_to: str = "",
    **project: Any,
) -> JournalEntry:
    """Write one step of the accompaniment of a project (instructors and the network)."""
    require(by, "agreements.journal_write")
    if kind == JournalKind.REFERRAL and not referral_to:
        raise ValidationError(_("Please say to whom the project is referred."), code="referral")
    entry = JournalEntry(
        stage=stage,
        kind=kind,
        happened_on=happened_on,
        notes=notes,
        referral_to=referral_to if kind == JournalKind.REFERRAL else "",
        author=_by(by),
        **project,
    )
    if not (entry.project_label.strip() or entry.place_id or entry.application_id):
        raise ValidationError(
            _("Please name the project, its tiers-lieu or its application."), code="project"
        )
    entry.full_clean()
    entry.save()
    return entry
