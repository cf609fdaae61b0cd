"""The application workflow as data: states, and the transitions each kind of actor may make.

``application_transition`` (services) is the only code that changes an application's state: it
looks the move up in ``TRANSITIONS``, asks ``user_can(user, transition.action, application)``,
runs the guard named by the transition and writes a log row.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    """Who makes a move: the holder (a member of the applying organisation) or an instructor."""

    HOLDER = "holder"
    INSTRUCTOR = "instructor"


class Guard(StrEnum):
    """A condition checked by the transition service before the move (see ``services``)."""

    COMPLETE_AND_ELIGIBLE = "complete_and_eligible"
    AMOUNT_PROPOSED = "amount_proposed"
    DECISION_RECORDED = "decision_recorded"


@dataclass(frozen=True)
class Transition:
    source: ApplicationState
    target: ApplicationState
    actor: Actor
    action: str
    """The ``ACTION_ROLES`` action the user must be allowed on the application."""
    label: str
    reason_required: bool = False
    guard: Guard | None = None


S = ApplicationState
HOLDER_ACTION = "calls.application_act_as_holder"
INSTRUCTOR_ACTION = "calls.application_instruct"
DECIDE_ACTION = "calls.application_decide"

_ROWS: tuple[Transition, ...] = (
    Transition(
        S.DRAFT,
        S.SUBMITTED,
        Actor.HOLDER,
        HOLDER_ACTION,
        _("Submit"),
        guard=Guard.COMPLETE_AND_ELIGIBLE,
    ),
    Transition(
        S.SUBMITTED, S.UNDER_INSTRUCTION, Actor.INSTRUCTOR, INSTRUCTOR_ACTION, _("Instruct")
    ),
    Transition(
        S.UNDER_INSTRUCTION,
        S.CHANGES_REQUESTED,
        Actor.INSTRUCTOR,
        INSTRUCTOR_ACTION,
        _("Request changes"),
        reason_required=True,
    ),
    Transition(
        S.CHANGES_REQUESTED,
        S.SUBMITTED,
        Actor.HOLDER,
        HOLDER_ACTION,
        _("Resubmit"),
        guard=Guard.COMPLETE_AND_ELIGIBLE,
    ),
    Transition(
        S.UNDER_INSTRUCTION,
        S.PROPOSED,
        Actor.INSTRUCTOR,
        INSTRUCTOR_ACTION,
        _("Propose to the committee"),
        guard=Guard.AMOUNT_PROPOSED,
    ),
    Transition(
        S.PROPOSED,
        S.UNDER_INSTRUCTION,
        Actor.INSTRUCTOR,
        INSTRUCTOR_ACTION,
        _("Take back into instruction"),
        reason_required=True,
    ),
    Transition(
        S.PROPOSED,
        S.ACCEPTED,
        Actor.INSTRUCTOR,
        DECIDE_ACTION,
        _("Accept"),
        guard=Guard.DECISION_RECORDED,
    ),
    Transition(
        S.PROPOSED,
        S.REJECTED,
        Actor.INSTRUCTOR,
        DECIDE_ACTION,
        _("Reject"),
        reason_required=True,
        guard=Guard.DECISION_RECORDED,
    ),
    *(
        Transition(source, S.WITHDRAWN, Actor.HOLDER, HOLDER_ACTION, _("Withdraw"))
        for source in (
            S.DRAFT,
            S.SUBMITTED,
            S.UNDER_INSTRUCTION,
            S.CHANGES_REQUESTED,
            S.PROPOSED,
        )
    ),
)

TRANSITIONS: dict[tuple[str, str], Transition] = {(t.source, t.target): t for t in _ROWS}

# States where the holder may edit the application's content.
EDITABLE_STATES: frozenset[str] = frozenset({S.DRAFT, S.CHANGES_REQUESTED})
# States that end the workflow.
FINAL_STATES: frozenset[str] = frozenset({S.ACCEPTED, S.REJECTED, S.WITHDRAWN})


def transitions_from(state: str) -> list[Transition]:
    """The moves the table allows from ``state`` (whoever may make them)."""
    return [t for t in _ROWS if t.source == state]
