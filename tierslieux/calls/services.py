"""Writes on calls and applications, and the one import path of every calls service.

This module holds the calls, the holder's organisation and the application's content
(answers, financing plan, attachments, messages); ``services_workflow`` moves applications
along their workflow (and computes the mesh figures); ``services_decisions`` holds the
instruction and the committee's decision. Both are re-exported here: callers write
``from tierslieux.calls import services`` and ``services.application_submit(...)``.

Business refusals raise ``ValidationError`` (or a subclass with details: ``ApplicationIncomplete``,
``ApplicationIneligible``, ``BudgetExceeded``, ``AssessmentConflict``); a user without the right
raises ``PermissionDenied``. E-mails leave after the commit (``transaction.on_commit``), unless
the service is called with ``notify=False``.
"""

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tierslieux.accounts.models import Organisation
from tierslieux.calls import emails, rules, selectors
from tierslieux.calls.models import (
    Application,
    ApplicationMessage,
    Attachment,
    Call,
    CallAidRule,
    CallCriterion,
    CallDepartementCeiling,
    CriterionAnswer,
    ExpenseLine,
    ResourceLine,
)
from tierslieux.calls.recipients import holder_emails, instructor_emails, send_after_commit
from tierslieux.calls.scope import call_region_check
from tierslieux.calls.selectors import call_aid_rules
from tierslieux.calls.services_decisions import (
    AssessmentConflict,
    BudgetExceeded,
    application_amount_set,
    application_assign,
    application_decide,
    application_unassign,
    assessment_save,
    opinion_give,
    opinion_request,
    project_review_create,
    project_review_view_record,
)
from tierslieux.calls.services_workflow import (
    MESH_KINDS,
    ApplicationIncomplete,
    ApplicationIneligible,
    InvalidTransition,
    MeshGain,
    StaleState,
    application_mesh_compute,
    application_submit,
    application_transition,
)
from tierslieux.calls.workflow import EDITABLE_STATES
from tierslieux.core import clock
from tierslieux.core.permissions import Actor, require, user_can
from tierslieux.core.uploads import CheckedUpload

logger = logging.getLogger(__name__)

# The services of the other modules, so that callers import every calls service from here.
__all__ = [
    "MESH_KINDS",
    "ApplicationIncomplete",
    "ApplicationIneligible",
    "AssessmentConflict",
    "BudgetExceeded",
    "InvalidTransition",
    "MeshGain",
    "StaleState",
    "application_amount_set",
    "application_assign",
    "application_decide",
    "application_mesh_compute",
    "application_submit",
    "application_transition",
    "application_unassign",
    "assessment_save",
    "call_aid_rules",
    "opinion_give",
    "opinion_request",
    "project_review_create",
    "project_review_view_record",
]

# --- helpers -------------------------------------------------------------------------------


def _require_editable_by_holder(application: Application, by: Actor) -> None:
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
    by: Actor,
    description: str = "",
    carence_minutes: Decimal | int = 20,
    criteria: Sequence[rules.CriterionDefault] | None = None,
    aid_rules: Mapping[str, rules.AidRule] | None = None,
    ceilings: Mapping[str, int] | None = None,
    is_demo: bool = False,
    region_code: str = "",
) -> Call:
    """A new call with its criteria (the policy's five by default), its aid rules (those of the
    2022-2024 call by default) and optional ceilings per département (code -> cents).

    The call belongs to ``region_code`` (by default the author's region, else the home region):
    a region this deployment serves and ``by`` reaches, else ``ValidationError``."""
    require(by, "calls.call_manage")
    if not region_code:
        own = getattr(by, "region_code", "")
        region_code = own if own in settings.TERRITORY_REGIONS else settings.TERRITORY_REGION_CODE
    call_region_check(region_code, by=by)
    call = Call(
        region_code=region_code,
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
def call_defaults_ensure(*, call: Call, by: Actor) -> Call:
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


# --- organisation of a holder ----------------------------------------------------------------


@transaction.atomic
def holder_organisation_register(
    *, name: str, kind: str, siret: str, by: Actor, rna: str = ""
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
def application_create(*, call: Call, title: str, by: Actor, **content: Any) -> Application:
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
def application_update(*, application: Application, by: Actor, **content: Any) -> Application:
    """Save the holder's changes to a draft (or to an application sent back for changes)."""
    _require_editable_by_holder(application, by)
    _set_content(application, content)
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_answer_set(
    *, application: Application, criterion: CallCriterion, text: str, by: Actor
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
    by: Actor,
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
    *, application: Application, upload: CheckedUpload, by: Actor, label: str = ""
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
def attachment_delete(*, attachment: Attachment, by: Actor) -> None:
    """Remove a file from an application still being prepared."""
    _require_editable_by_holder(attachment.application, by)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def application_message_post(
    *, application: Application, body: str, by: Actor, notify: bool = True
) -> ApplicationMessage:
    """A message from the holder to the instruction, or the other way round (e-mailed to the
    other side unless ``notify=False``)."""
    from_holder = user_can(by, "calls.application_act_as_holder", application)
    if not (from_holder or user_can(by, "calls.application_instruct", application)):
        raise PermissionDenied("calls.application_message")
    message = ApplicationMessage(application=application, author=by, body=body)
    message.full_clean()
    message.save()
    if not notify:
        return message
    subject, text = emails.message_posted(message, to_holder=not from_holder)
    send_after_commit(
        subject,
        text,
        instructor_emails(application) if from_holder else holder_emails(application),
    )
    return message
