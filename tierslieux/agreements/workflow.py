"""The agreement (convention) workflow as data: states and the moves an instructor may make.

``services.agreement_transition`` is the only code that changes an agreement's state: it looks
the move up in ``TRANSITIONS``, asks ``user_can(user, transition.action, agreement)``, requires a
reason where the table says so, runs the named guard and writes an ``AgreementLog`` row.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Terminated")


class Guard(StrEnum):
    """A condition checked by the transition service before the move (see ``services``)."""

    SIGNATURE_DATE = "signature_date"
    FINAL_REVIEW_APPROVED = "final_review_approved"


@dataclass(frozen=True)
class Transition:
    source: AgreementState
    target: AgreementState
    action: str
    """The ``ACTION_ROLES`` action the user must be allowed on the agreement."""
    reason_required: bool = False
    guard: Guard | None = None


MANAGE_ACTION = "agreements.agreement_manage"
S = AgreementState

_ROWS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SIGNED, MANAGE_ACTION, guard=Guard.SIGNATURE_DATE),
    Transition(S.SIGNED, S.CLOSED, MANAGE_ACTION, guard=Guard.FINAL_REVIEW_APPROVED),
    Transition(S.DRAFT, S.TERMINATED, MANAGE_ACTION, reason_required=True),
    Transition(S.SIGNED, S.TERMINATED, MANAGE_ACTION, reason_required=True),
)

TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in _ROWS}
FINAL_STATES = frozenset({S.CLOSED, S.TERMINATED})
