"""Writes of interests in premises (ADR 0032): a holder expresses interest for one of its
projects (an application or a project of the pipeline), the offering authority accepts one or
declines, the holder may withdraw.

Accepting is one transaction: the interest is accepted, the premises agreement is recorded
pre-filled from the offer (``agreements.services.premises_agreement_from_match``: rent, surface,
address, authority, works eligibility), the offer goes to *reserved* and every other interest
still open is declined. E-mails leave after the commit (``send_email`` task).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tierslieux.accounts.models import User
from tierslieux.agreements.models import JournalEntry, PremisesAgreement
from tierslieux.agreements.services import premises_agreement_from_match
from tierslieux.calls.models import Application
from tierslieux.calls.recipients import send_after_commit
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core import clock
from tierslieux.core.permissions import Actor, require, user_can
from tierslieux.core.roles import Role
from tierslieux.core.tasks import send_email
from tierslieux.core.workflow import TransitionContext, Workflow, logged_actor
from tierslieux.premises import emails, rules
from tierslieux.premises.models import PremisesInterest, PremisesInterestLog, PremisesOffer
from tierslieux.premises.selectors_interest import interest_eligibility
from tierslieux.premises.services import premises_offer_transition
from tierslieux.premises.workflow import (
    INTEREST_TRANSITIONS,
    InterestHook,
    InterestState,
    PremisesState,
)

CLOSED_APPLICATION_STATES = frozenset({ApplicationState.REJECTED, ApplicationState.WITHDRAWN})
MAX_MESSAGE = 2000


def _holder_emails(interest: PremisesInterest) -> list[str]:
    return list(
        User.objects.filter(organisation_id=interest.organisation_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _authority_emails(offer: PremisesOffer) -> list[str]:
    members = (
        User.objects.filter(
            organisation_id=offer.authority_id, is_active=True, groups__name=Role.AUTHORITY.value
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return [offer.contact_email, *members]


def _project_of(
    *, by: Actor, application: Application | None, journal_entry: JournalEntry | None
) -> tuple[Any, str]:
    """The holder organisation and the label of the project ``by`` speaks for."""
    if (application is None) == (journal_entry is None):
        raise ValidationError(
            {"project": _("Choose one of your projects: an application or a project followed.")},
            code="project",
        )
    if application is not None:
        if not user_can(by, "calls.application_act_as_holder", application):
            raise PermissionDenied("calls.application_act_as_holder")
        if application.state in CLOSED_APPLICATION_STATES:
            raise ValidationError(
                {"project": _("This application is closed: choose a current project.")},
                code="project_closed",
            )
        return application.organisation, application.title
    own = getattr(by, "organisation_id", None)
    if own is None or journal_entry.organisation_id != own:
        raise PermissionDenied("premises.interest_express")
    return journal_entry.organisation, journal_entry.project_key_label


def premises_interest_express(
    *,
    offer: PremisesOffer,
    by: Actor,
    application: Application | None = None,
    journal_entry: JournalEntry | None = None,
    message: str = "",
    notify: bool = True,
) -> PremisesInterest:
    """A holder says one of its projects is interested in a published offer (the authority is
    told by e-mail unless ``notify`` is false: the demo records)."""
    require(by, "premises.interest_express")
    organisation, label = _project_of(by=by, application=application, journal_entry=journal_entry)
    if offer.state != PremisesState.PUBLISHED:
        raise ValidationError(
            _("This building is no longer open to interest."), code="offer_not_published"
        )
    message = message.strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationError(
            {"message": _("At most %(n)s characters.") % {"n": MAX_MESSAGE}}, code="message"
        )
    open_interests = PremisesInterest.objects.filter(offer=offer, state=InterestState.INTERESTED)
    duplicate = (
        open_interests.filter(application=application)
        if application is not None
        else open_interests.filter(journal_entry=journal_entry)
    )
    if duplicate.exists():
        raise ValidationError(
            {"project": _("This project has already said it is interested in this building.")},
            code="duplicate",
        )
    interest = PremisesInterest(
        offer=offer,
        organisation=organisation,
        application=application,
        journal_entry=journal_entry,
        project_label=label[:200],
        message=message,
        created_by=logged_actor(by),
    )
    interest.full_clean()
    with transaction.atomic():
        interest.save()
        PremisesInterestLog.objects.create(
            interest=interest, from_state="", to_state=interest.state, by=logged_actor(by)
        )
        if notify:
            subject, body = emails.interest_expressed_email(interest)
            send_after_commit(subject, body, _authority_emails(offer))
    return interest


def _accept(context: TransitionContext[PremisesInterest]) -> None:
    """Record the premises agreement, reserve the offer, decline the other interests."""
    interest = context.obj
    offer = PremisesOffer.objects.select_related("authority", "commune").get(pk=interest.offer_id)
    if offer.state != PremisesState.PUBLISHED:
        raise ValidationError(
            _("Only a published building can be given to a project."), code="offer_not_published"
        )
    eligibility = interest_eligibility(interest, offer=offer)
    application = interest.application or (
        interest.journal_entry.application if interest.journal_entry_id else None
    )
    place = application.place if application is not None else interest.journal_entry.place
    today = clock.today()
    starts_on = context.options.get("starts_on") or max(offer.available_on or today, today)
    agreement: PremisesAgreement = premises_agreement_from_match(
        by=context.by,
        authority=offer.authority,
        place=place,
        project_label=interest.project_label,
        application=application,
        address=offer.address,
        surface_m2=offer.surface_m2,
        yearly_rent_cents=rules.yearly_rent_cents(
            rent_per_m2_month=offer.rent_per_m2_month, surface_m2=offer.surface_m2
        ),
        reference_rent_per_m2_cents=rules.yearly_reference_per_m2_cents(
            offer.reference_rent_per_m2_month
        ),
        starts_on=starts_on,
        duration_months=context.options.get("duration_months") or rules.DEFAULT_DURATION_MONTHS,
        works_eligible=eligibility.ami.is_eligible,
    )
    interest.agreement = agreement
    premises_offer_transition(offer=offer, to=PremisesState.RESERVED, by=context.by)
    others = PremisesInterest.objects.filter(
        offer_id=offer.pk, state=InterestState.INTERESTED
    ).exclude(pk=interest.pk)
    for other in others.order_by("pk"):
        INTEREST_WORKFLOW.run(
            obj=other,
            to=InterestState.DECLINED,
            by=context.by,
            reason=_("The authority chose another project for this building."),
            notify=context.notify,
        )


def _notify_accepted(context: TransitionContext[PremisesInterest]) -> None:
    interest = PremisesInterest.objects.select_related("offer__authority", "offer__commune").get(
        pk=context.obj.pk
    )
    subject, body = emails.interest_accepted_email(interest)
    to = sorted(set(_holder_emails(interest)))
    if to:
        send_email.enqueue(subject=subject, body=body, to=to)


def _notify_declined(context: TransitionContext[PremisesInterest]) -> None:
    interest = PremisesInterest.objects.select_related("offer__authority").get(pk=context.obj.pk)
    subject, body = emails.interest_declined_email(interest, context.reason)
    to = sorted(set(_holder_emails(interest)))
    if to:
        send_email.enqueue(subject=subject, body=body, to=to)


INTEREST_WORKFLOW = Workflow(
    model=PremisesInterest,
    transitions=INTEREST_TRANSITIONS,
    log_model=PremisesInterestLog,
    log_object_field="interest",
    hooks={
        InterestHook.ACCEPT: _accept,
        InterestHook.NOTIFY_ACCEPTED: _notify_accepted,
        InterestHook.NOTIFY_DECLINED: _notify_declined,
    },
    notifications=frozenset({InterestHook.NOTIFY_ACCEPTED, InterestHook.NOTIFY_DECLINED}),
)


def premises_interest_accept(
    *,
    interest: PremisesInterest,
    by: Actor,
    starts_on: Any = None,
    duration_months: int | None = None,
    notify: bool = True,
) -> PremisesInterest:
    """The authority gives its building to this project: see the module docstring."""
    if duration_months is not None and not 1 <= duration_months <= 600:
        raise ValidationError({"duration_months": _("Between 1 and 600 months.")}, code="duration")
    return INTEREST_WORKFLOW.run(
        obj=interest,
        to=InterestState.ACCEPTED,
        by=by,
        notify=notify,
        starts_on=starts_on,
        duration_months=duration_months,
    )


def premises_interest_decline(
    *, interest: PremisesInterest, by: Actor, reason: str = "", notify: bool = True
) -> PremisesInterest:
    """The authority declines this project's interest (the holder is told, with the reason)."""
    return INTEREST_WORKFLOW.run(
        obj=interest, to=InterestState.DECLINED, by=by, reason=reason[:2000], notify=notify
    )


def premises_interest_withdraw(*, interest: PremisesInterest, by: Actor) -> PremisesInterest:
    """The holder withdraws its project's interest."""
    return INTEREST_WORKFLOW.run(obj=interest, to=InterestState.WITHDRAWN, by=by)
