"""Writes on agreements, premises agreements and the accompaniment journal; the one import
path of every agreements service (the meetings and payments of ``services_followup`` are
re-exported here).

Every state change, meeting decision and payment writes an ``AgreementLog`` row; state changes
run on ``core.workflow`` with the table of ``agreements.workflow``. Business refusals raise
``ValidationError`` (``InvalidTransition``, ``PaymentRefused``); a user without the right raises
``PermissionDenied``.
"""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tierslieux.agreements import rules
from tierslieux.agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementIndicator,
    AgreementLog,
    IndicatorKind,
    JournalEntry,
    JournalKind,
    Milestone,
    MilestoneDecision,
    MilestoneKind,
    PaymentTranche,
    PremisesAgreement,
)
from tierslieux.agreements.scope import region_of_project
from tierslieux.agreements.services_followup import (
    MANAGE,
    PaymentRefused,
    ValueInput,
    agreement_log,
    milestone_record,
    milestone_reschedule,
    tranche_pay,
    tranches_become_payable,
)
from tierslieux.agreements.workflow import TRANSITIONS, AgreementState, Guard, Hook
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.money import format_euros
from tierslieux.core.permissions import Actor, require, user_can, user_region_codes
from tierslieux.core.regions import region_name
from tierslieux.core.workflow import (
    InvalidTransition,
    StaleState,
    TransitionContext,
    Workflow,
    logged_actor,
)

logger = logging.getLogger(__name__)

# The follow-up services (``services_followup``), so that callers import them from here.
__all__ = [
    "MANAGE",
    "InvalidTransition",
    "PaymentRefused",
    "StaleState",
    "ValueInput",
    "milestone_record",
    "milestone_reschedule",
    "tranche_pay",
]

Context = TransitionContext[Agreement]


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
    by: Actor,
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
    require(by, MANAGE, application)
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
        created_by=logged_actor(by),
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
    agreement_log(agreement, AgreementEvent.STATE_CHANGED, by, to_state=AgreementState.DRAFT)
    logger.info("agreement %s drafted for application %s", agreement.pk, application.pk)
    return agreement


@transaction.atomic
def indicator_add(
    *,
    agreement: Agreement,
    kind: str,
    label: str,
    baseline: Decimal | str,
    target: Decimal | str,
    by: Actor,
    unit: str = "",
    order: int = 0,
) -> AgreementIndicator:
    """Add an indicator (numbers when quantitative, descriptions when qualitative)."""
    require(by, MANAGE, agreement)
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


def _guard_signature_date(context: Context) -> None:
    if context.options.get("signed_on") is None:
        raise ValidationError(_("Please give the signature date."), code="signed_on_required")


def _guard_final_review_approved(context: Context) -> None:
    final = context.obj.milestones.get(kind=MilestoneKind.FINAL)
    if final.decision != MilestoneDecision.APPROVED:
        raise ValidationError(
            _("The agreement can be closed only after the final review is approved."),
            code="final_not_approved",
        )


def _signature_record(context: Context) -> None:
    agreement, signed_on = context.obj, context.options["signed_on"]
    agreement.signed_on = signed_on
    kickoff = agreement.milestones.get(kind=MilestoneKind.KICKOFF)
    if kickoff.held_on is None and kickoff.planned_on != signed_on:
        kickoff.planned_on = signed_on
        kickoff.full_clean()
        kickoff.save()
    tranches_become_payable(agreement, "", context.by)


AGREEMENT_WORKFLOW: Workflow[Agreement] = Workflow(
    model=Agreement,
    transitions=TRANSITIONS,
    log_model=AgreementLog,
    log_object_field="agreement",
    log_reason_field="note",
    log_extra={"event": AgreementEvent.STATE_CHANGED},
    hooks={
        Guard.SIGNATURE_DATE: _guard_signature_date,
        Guard.FINAL_REVIEW_APPROVED: _guard_final_review_approved,
        Hook.SIGNATURE_RECORD: _signature_record,
    },
    invalid_message=gettext_lazy("An agreement cannot go from “%(from)s” to “%(to)s”."),
    stale_message=gettext_lazy("The agreement changed meanwhile (status: %(state)s): reload it."),
)


def agreement_transition(
    *,
    agreement: Agreement,
    to: str,
    by: Actor,
    reason: str = "",
    signed_on: datetime.date | None = None,
    notify: bool = True,
) -> Agreement:
    """Move an agreement along the workflow (the one place where its state changes).

    Signing records the signature date, moves the kick-off meeting to it (unless held) and makes
    the tranches payable at signature payable. The table declares no notification today;
    ``notify=False`` will skip those it may declare (the calls' convention).
    """
    return AGREEMENT_WORKFLOW.run(
        obj=agreement, to=to, by=by, reason=reason, notify=notify, signed_on=signed_on
    )


def agreement_sign(
    *, agreement: Agreement, signed_on: datetime.date, by: Actor, notify: bool = True
) -> Agreement:
    return agreement_transition(
        agreement=agreement, to=AgreementState.SIGNED, by=by, signed_on=signed_on, notify=notify
    )


# --- premises agreements ---------------------------------------------------------------------


def _require_region(by: Actor, action: str, record: Any) -> None:
    """Refuse, on the form, a record of a region ``by`` does not act in."""
    if not user_can(by, action, record):
        raise ValidationError(
            _("This project is in the region %(region)s, where you do not act.")
            % {"region": region_name(record.region_code)},
            code="region_scope",
        )


@transaction.atomic
def premises_agreement_create(*, by: Actor, **fields: Any) -> PremisesAgreement:
    """Record premises lent by a local authority.

    Works are supported only when the project is eligible to the AMI
    (``rules.works_support_allowed``); when an application is linked, eligibility is its having
    been accepted unless the instructor sets ``works_eligible`` explicitly.
    """
    require(by, "agreements.premises_manage")
    return _premises_agreement_save(by=by, fields=fields)


@transaction.atomic
def premises_agreement_from_match(*, by: Actor, authority: Any, **fields: Any) -> PremisesAgreement:
    """Record the premises agreement of a building ``authority`` offered and a project it
    accepted (``premises`` app, ADR 0032): the authority itself or the Région's staff."""
    require(by, "agreements.premises_from_match", authority)
    return _premises_agreement_save(
        by=by, fields={"authority": authority, **fields}, action="agreements.premises_from_match"
    )


def _premises_agreement_save(
    *, by: Actor, fields: dict[str, Any], action: str = "agreements.premises_manage"
) -> PremisesAgreement:
    premises = PremisesAgreement(created_by=logged_actor(by), **fields)
    if "region_code" not in fields:
        premises.region_code = region_of_project(
            application=premises.application,
            place=premises.place if premises.place_id else None,
            by=by,
        )
    if action == "agreements.premises_manage":
        _require_region(by, action, premises)
    else:
        # From a match: the authority acts for its own building (checked on the organisation
        # above); a regional account still records only in its own region.
        codes = user_region_codes(by)
        if codes is not None and codes and premises.region_code not in codes:
            raise ValidationError(
                _("This project is in the region %(region)s, where you do not act.")
                % {"region": region_name(premises.region_code)},
                code="region_scope",
            )
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
    by: Actor,
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
        author=logged_actor(by),
        **project,
    )
    if "region_code" not in project:
        entry.region_code = region_of_project(
            application=entry.application, place=entry.place, commune=entry.commune, by=by
        )
    _require_region(by, "agreements.journal_write", entry)
    if not (entry.project_label.strip() or entry.place_id or entry.application_id):
        raise ValidationError(
            _("Please name the project, its tiers-lieu or its application."), code="project"
        )
    entry.full_clean()
    entry.save()
    return entry
