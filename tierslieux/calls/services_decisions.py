"""Writes of the instruction: assignment, amount, assessments, opinions, project reviews, and
the committee's decision checked against the call's budget.

Business refusals raise ``ValidationError`` (``BudgetExceeded``, ``AssessmentConflict``...); a
user without the right raises ``PermissionDenied``. E-mails leave after the commit, unless
``notify=False``.
"""

import datetime
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tierslieux.accounts.models import Organisation, User
from tierslieux.calls import emails, rules, selectors
from tierslieux.calls.models import (
    Application,
    Assessment,
    Call,
    CallCriterion,
    Decision,
    Opinion,
    ProjectReview,
    ProjectReviewItem,
)
from tierslieux.calls.recipients import send_after_commit
from tierslieux.calls.services_workflow import (
    InvalidTransition,
    application_transition,
    suggest_amount,
)
from tierslieux.calls.workflow import INSTRUCTION_STATES, TRANSITIONS, ApplicationState
from tierslieux.core import clock
from tierslieux.core.permissions import Actor, require, user_can
from tierslieux.core.regions import region_name

logger = logging.getLogger(__name__)


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


# --- instruction ---------------------------------------------------------------------------


@transaction.atomic
def application_assign(
    *, application: Application, instructor: User, by: Actor, notify: bool = True
) -> None:
    """Give the application to an instructor (several may share it); e-mailed to the
    instructor unless ``notify=False``."""
    require(by, "calls.application_instruct", application)
    if not user_can(instructor, "calls.application_instruct"):
        raise ValidationError(_("This person is not an instructor."), code="not_instructor")
    application.instructors.add(instructor)
    logger.info("application %s: instructor %s assigned", application.pk, instructor.pk)
    if notify:
        subject, body = emails.assigned(application)
        send_after_commit(subject, body, [instructor.email])


@transaction.atomic
def application_unassign(*, application: Application, instructor: User, by: Actor) -> None:
    require(by, "calls.application_instruct", application)
    application.instructors.remove(instructor)


@transaction.atomic
def application_amount_set(
    *,
    application: Application,
    by: Actor,
    profile: str | None = None,
    proposed_cents: int | None = None,
    reason: str = "",
) -> Application:
    """Set the territory's profile (which recomputes the suggested aid) and the amount proposed
    to the committee: the suggestion by default, another amount only with a reason."""
    require(by, "calls.application_instruct", application)
    if application.state not in INSTRUCTION_STATES:
        raise ValidationError(
            _("The amount can only be set during instruction."), code="not_instructing"
        )
    if profile is not None:
        application.vulnerability_profile = profile
    suggest_amount(application)
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
    by: Actor,
) -> Assessment:
    """Save an instructor's score and comment, if nobody saved since ``version`` was read.

    The write is ``UPDATE ... SET version = version + 1 WHERE version = <version>``: of two
    instructors who started from the same version, the second one gets ``AssessmentConflict``
    instead of silently overwriting the first (no lost update).
    """
    require(by, "calls.application_instruct", application)
    if application.state not in INSTRUCTION_STATES:
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
    by: Actor,
    question: str = "",
    notify: bool = True,
) -> Opinion:
    """Ask a partner (State, département, EPCI, commune, the network) for its opinion (its
    members are e-mailed unless ``notify=False``)."""
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
    if not notify:
        return opinion
    subject, body = emails.opinion_requested(opinion)
    send_after_commit(
        subject,
        body,
        User.objects.filter(organisation=organisation, is_active=True).values_list(
            "email", flat=True
        ),
    )
    return opinion


@transaction.atomic
def opinion_give(*, opinion: Opinion, verdict: str, text: str, by: Actor) -> Opinion:
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
    by: Actor,
    call: Call | None = None,
    notes: str = "",
) -> ProjectReview:
    """A project review with the regional network and the applications it discusses, held in
    its call's region (else its author's): every application discussed is of that region."""
    require(by, "calls.review_manage")
    region = call.region_code if call is not None else getattr(by, "region_code", "")
    review = ProjectReview(
        held_on=held_on,
        call=call,
        notes=notes,
        created_by=by,
        region_code=region or settings.TERRITORY_REGION_CODE,
    )
    if not user_can(by, "calls.review_manage", review):
        raise ValidationError(
            _("This review would be held in %(region)s, a region where you do not act.")
            % {"region": region_name(review.region_code)},
            code="region_scope",
        )
    review.full_clean()
    review.save()
    for application in applications:
        if application.state == ApplicationState.DRAFT:
            raise ValidationError(
                _("A draft cannot be discussed in a project review."), code="draft"
            )
        if application.call.region_code != review.region_code:
            raise ValidationError(
                _("“%(title)s” is a file of another region than the review's.")
                % {"title": application.title},
                code="region",
            )
        ProjectReviewItem.objects.create(review=review, application=application)
    return review


@transaction.atomic
def project_review_view_record(
    *, item: ProjectReviewItem, network_view: str, by: Actor, recommendation: str = ""
) -> ProjectReviewItem:
    """Record the regional network's view on an application discussed at a review."""
    require(by, "calls.review_record", item.review)
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
    by: Actor,
    granted_cents: int | None = None,
    reference: str = "",
    reason: str = "",
    notify: bool = True,
) -> Decision:
    """Record the committee's decision and move the application to accepted or rejected.

    An acceptance grants ``granted_cents`` (the proposed amount by default) and is refused when
    it would exceed the call's envelope or the département's ceiling. The holder is e-mailed
    unless ``notify=False``.
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
    application_transition(application=application, to=target, by=by, reason=reason, notify=notify)
    logger.info(
        "application %s: decision %s, %s cents granted",
        application.pk,
        "accepted" if accepted else "rejected",
        amount,
    )
    return decision
