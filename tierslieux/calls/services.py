"""Writes on calls and applications: every change, every state change with its log row.

Business refusals raise ``ValidationError`` (or a subclass with details: ``ApplicationIncomplete``,
``ApplicationIneligible``, ``BudgetExceeded``, ``AssessmentConflict``); a user without the right
raises ``PermissionDenied``. E-mails leave after the commit (``transaction.on_commit``).
"""

import datetime
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tierslieux.accounts.models import Organisation, User
from tierslieux.calls import emails, rules, selectors
from tierslieux.calls.models import (
    Application,
    ApplicationLog,
    ApplicationMessage,
    Assessment,
    Attachment,
    Call,
    CallAidRule,
    CallCriterion,
    CallDepartementCeiling,
    CallKind,
    CriterionAnswer,
    Decision,
    ExpenseLine,
    Opinion,
    ProjectReview,
    ProjectReviewItem,
    ResourceLine,
)
from tierslieux.calls.workflow import (
    EDITABLE_STATES,
    TRANSITIONS,
    ApplicationState,
    Guard,
    Transition,
)
from tierslieux.core import clock
from tierslieux.core.permissions import require, user_can
from tierslieux.core.roles import Role
from tierslieux.core.tasks import send_email
from tierslieux.core.uploads import CheckedUpload

# --- errors --------------------------------------------------------------------------------


class InvalidTransition(ValidationError):
    """The workflow does not allow this move from the application's current state."""


class ApplicationIncomplete(ValidationError):
    """Submission refused: ``missing`` lists what the holder must still provide."""

    def __init__(self, missing: list[str]):
        super().__init__(
            _("The application is incomplete. Missing: %(items)s.") % {"items": "; ".join(missing)},
            code="incomplete",
        )
        self.missing = missing


class ApplicationIneligible(ValidationError):
    """Submission refused by the call's eligibility rules; ``reasons`` says why."""

    def __init__(self, reasons: Sequence[str]):
        super().__init__(" ".join(reasons), code="ineligible")
        self.reasons = list(reasons)


class BudgetExceeded(ValidationError):
    """A decision would exceed the call's envelope or a département's ceiling."""


class AssessmentConflict(ValidationError):
    """Someone saved the assessment since this edit began; ``current`` is their version."""

    def __init__(self, current: Assessment):
        super().__init__(
            _(
                "Another instructor (%(who)s) changed this assessment meanwhile. Your changes "
                "were not saved: reload it, then apply them again."
            )
            % {"who": current.updated_by or "?"},
            code="conflict",
        )
        self.current = current


# --- helpers -------------------------------------------------------------------------------


def _send_after_commit(subject: str, body: str, to: Iterable[str]) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=recipients), robust=True
    )


def _holder_emails(application: Application) -> list[str]:
    return list(
        User.objects.filter(organisation_id=application.organisation_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _instructor_emails(application: Application) -> list[str]:
    assigned = application.instructors.filter(is_active=True).exclude(email="")
    if not assigned.exists():
        assigned = User.objects.filter(groups__name=Role.INSTRUCTOR.value, is_active=True).exclude(
            email=""
        )
    return list(assigned.values_list("email", flat=True))


def _require_editable_by_holder(application: Application, by: Any) -> None:
    require(by, "calls.application_act_as_holder", application)
    if application.state not in EDITABLE_STATES:
        raise ValidationError(
            _("The application can no longer be changed (status: %(state)s).")
            % {"state": application.get_state_display()},
            code="not_editable",
        )


# --- calls ---------------------------------------------------------------------------------


@transaction.atomic
def call_create(
    *,
    name: str,
    kind: str,
    year: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
    budget_cents: int,
    by: Any,
    description: str = "",
    carence_minutes: Decimal | int = 20,
    criteria: Sequence[rules.CriterionDefault] | None = None,
    aid_rules: Mapping[str, rules.AidRule] | None = None,
    ceilings: Mapping[str, int] | None = None,
    is_demo: bool = False,
) -> Call:
    """A new call with its criteria (the policy's five by default), its aid rules (those of the
    2022-2024 call by default) and optional ceilings per département (code -> cents)."""
    require(by, "calls.call_manage")
    call = Call(
        name=name,
        kind=kind,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        budget_cents=budget_cents,
        description=description,
        carence_minutes=carence_minutes,
        is_demo=is_demo,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    call.full_clean()
    call.save()
    for order, c in enumerate(rules.DEFAULT_CRITERIA if criteria is None else criteria, 1):
        criterion = CallCriterion(
            call=call,
            code=c.code,
            name=str(c.name),
            description=str(c.description),
            weight=c.weight,
            scale_max=c.scale_max,
            order=order,
        )
        criterion.full_clean()
        criterion.save()
    for profile, rule in (rules.DEFAULT_AID_RULES if aid_rules is None else aid_rules).items():
        aid_rule = CallAidRule(call=call, profile=profile, rate=rule.rate, cap_cents=rule.cap_cents)
        aid_rule.full_clean()
        aid_rule.save()
    for code, cents in (ceilings or {}).items():
        ceiling = CallDepartementCeiling(call=call, departement_id=code, ceiling_cents=cents)
        ceiling.full_clean()
        ceiling.save()
    return call


@transaction.atomic
def call_defaults_ensure(*, call: Call, by: Any) -> Call:
    """Give a call without criteria the policy's five, and without aid rules the defaults of
    the 2022-2024 call (for calls made in the admin, whose inlines may be left empty)."""
    require(by, "calls.call_manage")
    if not call.criteria.exists():
        for order, c in enumerate(rules.DEFAULT_CRITERIA, 1):
            criterion = CallCriterion(
                call=call,
                code=c.code,
                name=str(c.name),
                description=str(c.description),
                weight=c.weight,
                scale_max=c.scale_max,
                order=order,
            )
            criterion.full_clean()
            criterion.save()
    if not call.aid_rules.exists():
        for profile, rule in rules.DEFAULT_AID_RULES.items():
            aid_rule = CallAidRule(
                call=call, profile=profile, rate=rule.rate, cap_cents=rule.cap_cents
            )
            aid_rule.full_clean()
            aid_rule.save()
    return call


def call_aid_rules(call: Call) -> dict[str, rules.AidRule]:
    """The call's aid rules as data for ``rules.aid_suggestion``."""
    return {r.profile: rules.AidRule(r.rate, r.cap_cents) for r in call.aid_rules.all()}


# --- organisation of a holder ----------------------------------------------------------------


@transaction.atomic
def holder_organisation_register(
    *, name: str, kind: str, siret: str, by: Any, rna: str = ""
) -> Organisation:
    """Create the holder's organisation (SIRET checked with its key, RNA number by its format)
    and attach ``by`` to it."""
    require(by, "calls.application_create")
    siret = siret.replace(" ", "")
    if not rules.siret_is_valid(siret):
        raise ValidationError(
            {"siret": _("This SIRET number is not valid (14 digits with a check key).")},
            code="siret",
        )
    if Organisation.objects.filter(siret=siret).exists():
        raise ValidationError(
            {"siret": _("An organisation with this SIRET already exists: ask one of its members.")},
            code="siret_taken",
        )
    organisation = Organisation(name=name, kind=kind, siret=siret, rna=rna.replace(" ", ""))
    organisation.full_clean()
    organisation.save()
    by.organisation = organisation
    by.save(update_fields=["organisation"])
    return organisation


# --- applications: content ---------------------------------------------------------------------

CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    "commune",
    "address",
    "lon",
    "lat",
    "place",
    "summary",
    "collective",
    "governance",
    "service_offer",
    "business_model",
    "premises",
    "premises_lent_by_authority",
    "premises_authority",
    "timeline",
    "staff_fte",
)


def _set_content(application: Application, content: Mapping[str, Any]) -> None:
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"not content fields of an application: {sorted(unknown)}")
    for name, value in content.items():
        setattr(application, name, value)


@transaction.atomic
def application_create(*, call: Call, title: str, by: Any, **content: Any) -> Application:
    """A draft application of ``by``'s organisation to an open call."""
    require(by, "calls.application_create")
    if by.organisation_id is None:
        raise ValidationError(
            _("Register your organisation (with its SIRET) before applying."), code="no_org"
        )
    if not call.is_open_on(clock.today()):
        raise ValidationError(_("This call is not open for applications."), code="call_closed")
    application = Application(
        call=call, organisation_id=by.organisation_id, created_by=by, title=title
    )
    _set_content(application, content)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_update(*, application: Application, by: Any, **content: Any) -> Application:
    """Save the holder's changes to a draft (or to an application sent back for changes)."""
    _require_editable_by_holder(application, by)
    _set_content(application, content)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_answer_set(
    *, application: Application, criterion: CallCriterion, text: str, by: Any
) -> CriterionAnswer | None:
    """The holder's answer to one criterion of the call; a blank text clears the answer."""
    _require_editable_by_holder(application, by)
    if criterion.call_id != application.call_id:
        raise ValidationError(_("This criterion belongs to another call."), code="criterion")
    if not text.strip():
        CriterionAnswer.objects.filter(application=application, criterion=criterion).delete()
        return None
    answer, _created = CriterionAnswer.objects.get_or_create(
        application=application, criterion=criterion, defaults={"text": text}
    )
    answer.text = text
    answer.full_clean()
    answer.save()
    return answer


@dataclass(frozen=True)
class ExpenseInput:
    label: str
    amount_cents: int
    is_eligible: bool = True


@dataclass(frozen=True)
class ResourceInput:
    financer: str
    amount_cents: int
    label: str = ""
    is_secured: bool = False


@transaction.atomic
def financing_plan_set(
    *,
    application: Application,
    expenses: Sequence[ExpenseInput],
    resources: Sequence[ResourceInput],
    by: Any,
) -> rules.PlanBalance:
    """Replace the financing plan. A draft may be unbalanced; submission requires balance."""
    _require_editable_by_holder(application, by)
    application.expenses.all().delete()
    application.resources.all().delete()
    for e in expenses:
        line = ExpenseLine(
            application=application,
            label=e.label,
            amount_cents=e.amount_cents,
            is_eligible=e.is_eligible,
        )
        line.full_clean()
        line.save()
    for r in resources:
        line = ResourceLine(
            application=application,
            financer=r.financer,
            label=r.label,
            amount_cents=r.amount_cents,
            is_secured=r.is_secured,
        )
        line.full_clean()
        line.save()
    return selectors.financing_plan(application)


def attachment_add(
    *, application: Application, upload: CheckedUpload, by: Any, label: str = ""
) -> Attachment:
    """Store a file the form has checked (``core.uploads.check_upload`` with
    ``storage.attachment_policy()``): type, size, content and hash are known already.

    The file is written before the short transaction that records it, so that no database
    lock is held while bytes go to the disk; the file is removed if the record is refused."""
    _require_editable_by_holder(application, by)
    attachment = Attachment(
        application=application,
        label=label,
        original_name=upload.name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=by,
    )
    upload.file.seek(0)
    attachment.file.save(f"attachment.{upload.extension}", upload.file, save=False)
    try:
        with transaction.atomic():
            current = Application.objects.select_for_update().get(pk=application.pk)
            _require_editable_by_holder(current, by)
            attachment.application = current
            attachment.full_clean()
            attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, by: Any) -> None:
    """Remove a file from an application still being prepared."""
    _require_editable_by_holder(attachment.application, by)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def application_message_post(*, application: Application, body: str, by: Any) -> ApplicationMessage:
    """A message from the holder to the instruction, or the other way round."""
    from_holder = user_can(by, "calls.application_act_as_holder", application)
    if not (from_holder or user_can(by, "calls.application_instruct")):
        raise PermissionDenied("calls.application_message")
    message = ApplicationMessage(application=application, author=by, body=body)
    message.full_clean()
    message.save()
    subject, text = emails.message_posted(message, to_holder=not from_holder)
    _send_after_commit(
        subject,
        text,
        _instructor_emails(application) if from_holder else _holder_emails(application),
    )
    return message


# --- the mesh --------------------------------------------------------------------------------


@transaction.atomic
def application_mesh_compute(*, application: Application, by: Any = None) -> Application:
    """Store the minutes from the project to the nearest open, published place and the
    inhabitants it would newly bring within the call's threshold (recomputable at any time).

    ``by`` is None for the system (submission, the recompute command); a person must be
    allowed to instruct the application.
    """
    if by is not None:
        require(by, "calls.application_instruct", application)
    from tierslieux.territory.mesh import (
        MeshParams,
        places_read,
        site_marginal_gain,
        travel_model,
    )

    point = application.point
    if point is None:
        application.minutes_to_nearest_place = None
        application.inhabitants_brought = None
        application.mesh_computed_at = None
    else:
        lon, lat = point
        params = MeshParams.from_settings(minutes=float(application.call.carence_minutes))
        places = places_read(on=params.on)
        minutes = math.inf
        if len(places.ids):
            nearest = travel_model(params).minutes_to_nearest([lon], [lat], places.lon, places.lat)
            minutes = float(nearest.minutes[0])
        application.minutes_to_nearest_place = round(minutes, 1) if math.isfinite(minutes) else None
        application.inhabitants_brought = site_marginal_gain(params, lon=lon, lat=lat)
        application.mesh_computed_at = clock.now()
    application.save(
        update_fields=[
            "minutes_to_nearest_place",
            "inhabitants_brought",
            "mesh_computed_at",
            "updated_at",
        ]
    )
    return application


# --- the workflow ------------------------------------------------------------------------------


# Calls whose projects add a place to the mesh: their figures are computed at submission.
MESH_KINDS: frozenset[str] = frozenset({CallKind.CREATION, CallKind.LOCAL_NETWORK})


def _guard_complete_and_eligible(application: Application, transition: Transition) -> None:
    today = clock.today()
    if transition.source == ApplicationState.DRAFT and not application.call.is_open_on(today):
        raise ValidationError(
            _("The call is closed: applications are no longer accepted."), code="call_closed"
        )
    missing = selectors.application_missing(application)
    if missing:
        raise ApplicationIncomplete(missing)
    if application.call.kind in MESH_KINDS:
        application_mesh_compute(application=application)
    eligibility = selectors.application_eligibility(application, on=today)
    if not eligibility.is_eligible:
        raise ApplicationIneligible(eligibility.reasons)
    application.submitted_at = clock.now()
    if application.suggested_cents is None:
        _suggest_amount(application)


def _guard_amount_proposed(application: Application, transition: Transition) -> None:
    if application.proposed_cents is None:
        raise ValidationError(
            _("Set the amount proposed to the committee first."), code="no_amount"
        )


def _guard_decision_recorded(application: Application, transition: Transition) -> None:
    decision = Decision.objects.filter(application=application).first()
    wanted = transition.target == ApplicationState.ACCEPTED
    if decision is None or decision.accepted != wanted:
        raise ValidationError(
            _("Record the committee's decision to accept or reject."), code="no_decision"
        )


GUARDS: dict[Guard, Callable[[Application, Transition], None]] = {
    Guard.COMPLETE_AND_ELIGIBLE: _guard_complete_and_eligible,
    Guard.AMOUNT_PROPOSED: _guard_amount_proposed,
    Guard.DECISION_RECORDED: _guard_decision_recorded,
}


def _notify_transition(application: Application, transition: Transition, reason: str) -> None:
    label = str(ApplicationState(transition.target).label)
    if transition.target in (ApplicationState.ACCEPTED, ApplicationState.REJECTED):
        decision = application.decision
        subject, body = emails.decision_made(
            application,
            accepted=decision.accepted,
            granted_cents=decision.granted_cents,
            reason=reason,
        )
    else:
        subject, body = emails.state_changed(application, to_state_label=label, reason=reason)
    _send_after_commit(subject, body, _holder_emails(application))
    if transition.actor == "holder" and transition.source != ApplicationState.DRAFT:
        subject, body = emails.holder_acted(application, to_state_label=label, reason=reason)
        _send_after_commit(subject, body, _instructor_emails(application))


@transaction.atomic
def application_transition(
    *, application: Application, to: str, by: Any, reason: str = ""
) -> Application:
    """Move an application along the workflow: the one place where its state changes.

    Checks the transition table, the user's right on the application, the reason when the
    table requires one and the transition's guard, then writes the log row.
    """
    current = Application.objects.select_for_update().get(pk=application.pk)
    if current.state != application.state:
        raise InvalidTransition(
            _("The application changed meanwhile (status: %(state)s): reload it.")
            % {"state": current.get_state_display()},
            code="stale",
        )
    transition = TRANSITIONS.get((application.state, to))
    if transition is None:
        raise InvalidTransition(
            _("An application cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": application.get_state_display(),
                "to": ApplicationState(to).label if to in ApplicationState.values else to,
            },
            code="invalid_transition",
        )
    require(by, transition.action, application)
    reason = reason.strip()
    if transition.reason_required and not reason:
        raise ValidationError(_("Please give a reason."), code="reason_required")
    if transition.guard is not None:
        GUARDS[transition.guard](application, transition)
    application.state = transition.target
    application.full_clean()
    application.save()
    ApplicationLog.objects.create(
        application=application,
        from_state=transition.source,
        to_state=transition.target,
        by=by if getattr(by, "is_authenticated", False) else None,
        reason=reason,
    )
    _notify_transition(application, transition, reason)
    return application


def application_submit(*, application: Application, by: Any, reason: str = "") -> Application:
    """Submit a draft, or resubmit after a request for changes (completeness and eligibility
    are checked; the mesh figures are stored for the instructors)."""
    return application_transition(
        application=application, to=ApplicationState.SUBMITTED, by=by, reason=reason
    )


# --- instruction ---------------------------------------------------------------------------


@transaction.atomic
def application_assign(*, application: Application, instructor: User, by: Any) -> None:
    """Give the application to an instructor (several may share it)."""
    require(by, "calls.application_instruct", application)
    if not user_can(instructor, "calls.application_instruct"):
        raise ValidationError(_("This person is not an instructor."), code="not_instructor")
    application.instructors.add(instructor)
    subject, body = emails.assigned(application)
    _send_after_commit(subject, body, [instructor.email])


@transaction.atomic
def application_unassign(*, application: Application, instructor: User, by: Any) -> None:
    require(by, "calls.application_instruct", application)
    application.instructors.remove(instructor)


def _suggest_amount(application: Application) -> None:
    """Pre-fill the profile (from the commune's density) and the suggested aid."""
    if not application.vulnerability_profile and application.commune_id:
        application.vulnerability_profile = rules.profile_for_density_level(
            application.commune.density_level
        )
    aid_rules = call_aid_rules(application.call)
    if application.vulnerability_profile in aid_rules:
        application.suggested_cents = rules.aid_suggestion(
            selectors.eligible_expenses_cents(application),
            application.vulnerability_profile,
            aid_rules,
            requested_cents=selectors.region_requested_cents(application),
        )


@transaction.atomic
def application_amount_set(
    *,
    application: Application,
    by: Any,
    profile: str | None = None,
    proposed_cents: int | None = None,
    reason: str = "",
) -> Application:
    """Set the territory's profile (which recomputes the suggested aid) and the amount proposed
    to the committee: the suggestion by default, another amount only with a reason."""
    require(by, "calls.application_instruct", application)
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_INSTRUCTION):
        raise ValidationError(
            _("The amount can only be set during instruction."), code="not_instructing"
        )
    if profile is not None:
        application.vulnerability_profile = profile
    _suggest_amount(application)
    if proposed_cents is None:
        proposed_cents = application.suggested_cents
    if proposed_cents is not None and proposed_cents != application.suggested_cents:
        if not reason.strip():
            raise ValidationError(
                _("Give a reason for proposing another amount than the suggested one."),
                code="override_reason",
            )
        application.amount_override_reason = reason.strip()
    else:
        application.amount_override_reason = ""
    application.proposed_cents = proposed_cents
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def assessment_save(
    *,
    application: Application,
    criterion: CallCriterion,
    score: int | None,
    comment: str,
    version: int,
    by: Any,
) -> Assessment:
    """Save an instructor's score and comment, if nobody saved since ``version`` was read.

    The write is ``UPDATE ... SET version = version + 1 WHERE version = <version>``: of two
    instructors who started from the same version, the second one gets ``AssessmentConflict``
    instead of silently overwriting the first (no lost update).
    """
    require(by, "calls.application_instruct", application)
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.UNDER_INSTRUCTION):
        raise ValidationError(_("Assessments are made during instruction."), code="not_instructing")
    if criterion.call_id != application.call_id:
        raise ValidationError(_("This criterion belongs to another call."), code="criterion")
    if score is not None and not 0 <= score <= criterion.scale_max:
        raise ValidationError(
            _("The score must be between 0 and %(max)s.") % {"max": criterion.scale_max},
            code="score_range",
        )
    try:
        with transaction.atomic():
            Assessment.objects.get_or_create(application=application, criterion=criterion)
    except IntegrityError:  # created at the same moment by someone else: it exists now
        pass
    updated = Assessment.objects.filter(
        application=application, criterion=criterion, version=version
    ).update(
        score=score,
        comment=comment,
        updated_by=by,
        version=F("version") + 1,
        updated_at=clock.now(),
    )
    current = Assessment.objects.select_related("updated_by").get(
        application=application, criterion=criterion
    )
    if updated != 1:
        raise AssessmentConflict(current)
    return current


@transaction.atomic
def opinion_request(
    *,
    application: Application,
    organisation: Organisation,
    partner_kind: str,
    due_on: datetime.date,
    by: Any,
    question: str = "",
) -> Opinion:
    """Ask a partner (State, département, EPCI, commune, the network) for its opinion."""
    require(by, "calls.application_instruct", application)
    if Opinion.objects.filter(application=application, organisation=organisation).exists():
        raise ValidationError(
            _("An opinion was already requested from this organisation."), code="duplicate"
        )
    opinion = Opinion(
        application=application,
        organisation=organisation,
        partner_kind=partner_kind,
        due_on=due_on,
        question=question,
        requested_by=by,
    )
    opinion.full_clean()
    opinion.save()
    subject, body = emails.opinion_requested(opinion)
    _send_after_commit(
        subject,
        body,
        User.objects.filter(organisation=organisation, is_active=True).values_list(
            "email", flat=True
        ),
    )
    return opinion


@transaction.atomic
def opinion_give(*, opinion: Opinion, verdict: str, text: str, by: Any) -> Opinion:
    """The partner's opinion (a member of the organisation it was asked of)."""
    require(by, "calls.opinion_give", opinion)
    if opinion.given_at is not None:
        raise ValidationError(_("This opinion has already been given."), code="already_given")
    opinion.verdict = verdict
    opinion.text = text
    opinion.given_by = by
    opinion.given_at = clock.now()
    opinion.full_clean()
    opinion.save()
    return opinion


@transaction.atomic
def project_review_create(
    *,
    held_on: datetime.date,
    applications: Sequence[Application],
    by: Any,
    call: Call | None = None,
    notes: str = "",
) -> ProjectReview:
    """A project review with the regional network and the applications it discusses."""
    require(by, "calls.review_manage")
    review = ProjectReview(held_on=held_on, call=call, notes=notes, created_by=by)
    review.full_clean()
    review.save()
    for application in applications:
        if application.state == ApplicationState.DRAFT:
            raise ValidationError(
                _("A draft cannot be discussed in a project review."), code="draft"
            )
        ProjectReviewItem.objects.create(review=review, application=application)
    return review


@transaction.atomic
def project_review_view_record(
    *, item: ProjectReviewItem, network_view: str, by: Any, recommendation: str = ""
) -> ProjectReviewItem:
    """Record the regional network's view on an application discussed at a review."""
    require(by, "calls.review_record_view")
    item.network_view = network_view
    item.recommendation = recommendation
    item.recorded_by = by
    item.full_clean()
    item.save()
    return item


# --- decision and budget -------------------------------------------------------------------


def _check_budget(application: Application, call: Call, amount_cents: int) -> None:
    refusal = rules.budget_refusal(
        envelope_cents=call.budget_cents,
        committed_cents=selectors.committed_cents(call),
        amount_cents=amount_cents,
    )
    if refusal:
        raise BudgetExceeded(refusal, code="budget")
    dep = application.departement_id
    ceiling = call.ceilings.filter(departement_id=dep).first() if dep else None
    if ceiling is not None:
        refusal = rules.budget_refusal(
            envelope_cents=ceiling.ceiling_cents,
            committed_cents=selectors.committed_cents(call, departement=dep),
            amount_cents=amount_cents,
            departement=str(ceiling.departement),
        )
        if refusal:
            raise BudgetExceeded(refusal, code="ceiling")


@transaction.atomic
def application_decide(
    *,
    application: Application,
    accepted: bool,
    committee_on: datetime.date,
    by: Any,
    granted_cents: int | None = None,
    reference: str = "",
    reason: str = "",
) -> Decision:
    """Record the committee's decision and move the application to accepted or rejected.

    An acceptance grants ``granted_cents`` (the proposed amount by default) and is refused when
    it would exceed the call's envelope or the département's ceiling.
    """
    require(by, "calls.application_decide", application)
    target = ApplicationState.ACCEPTED if accepted else ApplicationState.REJECTED
    if (application.state, target) not in TRANSITIONS:
        raise InvalidTransition(
            _("Only an application proposed to the committee can be decided."),
            code="invalid_transition",
        )
    if not accepted and not reason.strip():
        raise ValidationError(_("Please give a reason."), code="reason_required")
    # Lock the call: two decisions on the same envelope are taken one after the other.
    call = Call.objects.select_for_update().get(pk=application.call_id)
    amount = 0
    if accepted:
        amount = application.proposed_cents if granted_cents is None else granted_cents
        if not amount or amount <= 0:
            raise ValidationError(_("The amount granted must be positive."), code="amount")
        _check_budget(application, call, amount)
    decision = Decision(
        application=application,
        accepted=accepted,
        granted_cents=amount,
        committee_on=committee_on,
        reference=reference,
        reason=reason.strip(),
        decided_by=by,
    )
    if accepted:
        # Paid in tranches over the agreement (3 years by default; the agreement may change it).
        decision.payment_starts_on = committee_on
        decision.payment_ends_on = rules.add_years(committee_on, 3)
    decision.full_clean()
    decision.save()
    application_transition(application=application, to=target, by=by, reason=reason)
    return decision
