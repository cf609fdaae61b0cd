"""The application workflow as data: states, named sets of states, and the transition table.

``services_workflow.application_transition`` is the only code that changes an application's
state: it runs ``core.workflow.Workflow.run`` with this table and the hooks named here (see
``docs/workflow.md``). The table is plain data so that models, forms and pages can read it.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.workflow import Transition, table


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_INSTRUCTION = "under_instruction", _("Under instruction")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    PROPOSED = "proposed", _("Proposed to the committee")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Actor(StrEnum):
    """For whom a move is meant: the holder (a member of the applying organisation) or an
    instructor. Permissions are checked with the transition's ``action``, not with this."""

    HOLDER = "holder"
    INSTRUCTOR = "instructor"


class Guard(StrEnum):
    """Pure checks run before a move (``services_workflow``): they raise, never write."""

    COMPLETE_AND_ELIGIBLE = "complete_and_eligible"
    AMOUNT_PROPOSED = "amount_proposed"
    DECISION_RECORDED = "decision_recorded"


class Hook(StrEnum):
    """Effects of a move (``services_workflow``): ``after`` ones in the transaction,
    ``NOTIFY`` after the commit (skipped with ``notify=False``)."""

    SUBMISSION_STAMP = "submission_stamp"
    MESH_STORE = "mesh_store"
    AMOUNT_SUGGEST = "amount_suggest"
    NOTIFY = "notify"


S = ApplicationState
HOLDER_ACTION = "calls.application_act_as_holder"
SUBMISSION_HOOKS = (Hook.SUBMISSION_STAMP, Hook.MESH_STORE, Hook.AMOUNT_SUGGEST)
NOTIFY = (Hook.NOTIFY,)
INSTRUCTOR_ACTION = "calls.application_instruct"
DECIDE_ACTION = "calls.application_decide"


def _row(
    source: ApplicationState,
    target: ApplicationState,
    actor: Actor,
    action: str,
    label: str,
    *,
    reason_required: bool = False,
    guard: Guard | None = None,
    after: tuple[Hook, ...] = (),
) -> Transition:
    """Every move of an application notifies after the commit (``Hook.NOTIFY``)."""
    return Transition(
        source=source,
        target=target,
        action=action,
        label=label,
        reason_required=reason_required,
        guard=guard,
        after=after,
        after_commit=NOTIFY,
        actor=actor,
    )


HOLDER, INSTRUCTOR = Actor.HOLDER, Actor.INSTRUCTOR

_ROWS: tuple[Transition, ...] = (
    _row(
        S.DRAFT,
        S.SUBMITTED,
        HOLDER,
        HOLDER_ACTION,
        _("Submit"),
        guard=Guard.COMPLETE_AND_ELIGIBLE,
        after=SUBMISSION_HOOKS,
    ),
    _row(S.SUBMITTED, S.UNDER_INSTRUCTION, INSTRUCTOR, INSTRUCTOR_ACTION, _("Instruct")),
    _row(
        S.UNDER_INSTRUCTION,
        S.CHANGES_REQUESTED,
        INSTRUCTOR,
        INSTRUCTOR_ACTION,
        _("Request changes"),
        reason_required=True,
    ),
    _row(
        S.CHANGES_REQUESTED,
        S.SUBMITTED,
        HOLDER,
        HOLDER_ACTION,
        _("Resubmit"),
        guard=Guard.COMPLETE_AND_ELIGIBLE,
        after=SUBMISSION_HOOKS,
    ),
    _row(
        S.UNDER_INSTRUCTION,
        S.PROPOSED,
        INSTRUCTOR,
        INSTRUCTOR_ACTION,
        _("Propose to the committee"),
        guard=Guard.AMOUNT_PROPOSED,
    ),
    _row(
        S.PROPOSED,
        S.UNDER_INSTRUCTION,
        INSTRUCTOR,
        INSTRUCTOR_ACTION,
        _("Take back into instruction"),
        reason_required=True,
    ),
    _row(
        S.PROPOSED,
        S.ACCEPTED,
        INSTRUCTOR,
        DECIDE_ACTION,
        _("Accept"),
        guard=Guard.DECISION_RECORDED,
    ),
    _row(
        S.PROPOSED,
        S.REJECTED,
        INSTRUCTOR,
        DECIDE_ACTION,
        _("Reject"),
        reason_required=True,
        guard=Guard.DECISION_RECORDED,
    ),
    *(
        _row(source, S.WITHDRAWN, HOLDER, HOLDER_ACTION, _("Withdraw"))
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.UNDER_INSTRUCTION,
            S.CHANGES_REQUESTED,
            S.PROPOSED,
        )
    ),
)

TRANSITIONS: dict[tuple[str, str], Transition] = table(_ROWS)

# --- named sets of states (use these instead of writing tuples of states) ---------------------

EDITABLE_STATES: frozenset[str] = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
"""The holder may edit the application's content."""
INSTRUCTION_STATES: frozenset[str] = frozenset({S.SUBMITTED, S.UNDER_INSTRUCTION})
"""The instruction works on it: assessments and the proposed amount are set."""
DECIDED_STATES: frozenset[str] = frozenset({S.ACCEPTED, S.REJECTED})
"""The committee has decided."""
FINAL_STATES: frozenset[str] = frozenset({*DECIDED_STATES, S.WITHDRAWN})
"""The workflow has ended."""
OPEN_STATES: frozenset[str] = frozenset(set(S.values) - FINAL_STATES)
"""Still moving (drafts included)."""
SENT_STATES: frozenset[str] = frozenset(set(S.values) - {S.DRAFT})
"""Sent at least once: partners and reviews may see it (every state but the draft)."""


def transitions_from(state: str) -> list[Transition]:
    """The moves the table allows from ``state`` (whoever may make them)."""
    return [t for t in _ROWS if t.source == state]
