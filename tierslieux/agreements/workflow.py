"""The agreement (convention) workflow as data: states, named sets and the transition table.

``services.agreement_transition`` is the only code that changes an agreement's state: it runs
``core.workflow.Workflow.run`` with this table and the hooks named here (see
``docs/workflow.md``), writing an ``AgreementLog`` row (event ``state_changed``).
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.workflow import Transition, table


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    CLOSED = "closed", _("Closed")
    TERMINATED = "terminated", _("Terminated")


class Guard(StrEnum):
    """Pure checks run before a move (``services``): they raise, never write."""

    SIGNATURE_DATE = "signature_date"
    FINAL_REVIEW_APPROVED = "final_review_approved"


class Hook(StrEnum):
    """Effects of a move, run in the transaction (``services``)."""

    SIGNATURE_RECORD = "signature_record"
    """Store the signature date, move the kick-off meeting to it (unless held) and make the
    tranches payable at signature payable."""


MANAGE_ACTION = "agreements.agreement_manage"
S = AgreementState

_ROWS: tuple[Transition, ...] = (
    Transition(
        source=S.DRAFT,
        target=S.SIGNED,
        action=MANAGE_ACTION,
        label=_("Sign"),
        guard=Guard.SIGNATURE_DATE,
        after=(Hook.SIGNATURE_RECORD,),
    ),
    Transition(
        source=S.SIGNED,
        target=S.CLOSED,
        action=MANAGE_ACTION,
        label=_("Close"),
        guard=Guard.FINAL_REVIEW_APPROVED,
    ),
    Transition(
        source=S.DRAFT,
        target=S.TERMINATED,
        action=MANAGE_ACTION,
        label=_("Terminate"),
        reason_required=True,
    ),
    Transition(
        source=S.SIGNED,
        target=S.TERMINATED,
        action=MANAGE_ACTION,
        label=_("Terminate"),
        reason_required=True,
    ),
)

TRANSITIONS: dict[tuple[str, str], Transition] = table(_ROWS)

# --- named sets of states (use these instead of writing tuples of states) ---------------------

FINAL_STATES: frozenset[str] = frozenset({S.CLOSED, S.TERMINATED})
"""The agreement has ended: nothing more is recorded on it."""
COMMITTED_STATES: frozenset[str] = frozenset({S.SIGNED, S.CLOSED})
"""Signed at some point and not terminated: the grant is committed."""
