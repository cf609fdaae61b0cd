"""The registration workflow as data: states and the transition table.

``services`` runs ``core.workflow.Workflow.run`` with this table (docs/workflow.md), writing a
``RegistrationLog`` row per move. A registration starts registered, or waitlisted when the
session is full; a cancellation (by the person's link) promotes the first waitlisted person.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.workflow import Transition, table


class RegistrationState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


class Hook(StrEnum):
    """Effects of a move (``services``)."""

    STAMP_CANCELLED = "stamp_cancelled"
    PROMOTE_NEXT = "promote_next"
    """After a registered person cancels: the first waitlisted person takes the seat."""
    MAIL_PROMOTED = "mail_promoted"
    MAIL_CANCELLED = "mail_cancelled"


# The personal link is the person's authority: the moves it makes are open to anyone holding it
# (the service checks the token first); the system promotes through the same action.
LINK_ACTION = "training.registration_by_link"
ATTENDANCE_ACTION = "training.attendance_record"
S = RegistrationState

_ROWS: tuple[Transition, ...] = (
    Transition(
        source=S.REGISTERED,
        target=S.CANCELLED,
        action=LINK_ACTION,
        label=_("Cancel my registration"),
        after=(Hook.STAMP_CANCELLED, Hook.PROMOTE_NEXT),
        after_commit=(Hook.MAIL_CANCELLED,),
        actor="participant",
    ),
    Transition(
        source=S.WAITLISTED,
        target=S.CANCELLED,
        action=LINK_ACTION,
        label=_("Leave the waiting list"),
        after=(Hook.STAMP_CANCELLED,),
        after_commit=(Hook.MAIL_CANCELLED,),
        actor="participant",
    ),
    Transition(
        source=S.WAITLISTED,
        target=S.REGISTERED,
        action=LINK_ACTION,
        label=_("Promote from the waiting list"),
        after_commit=(Hook.MAIL_PROMOTED,),
        actor="system",
    ),
    Transition(
        source=S.REGISTERED,
        target=S.ATTENDED,
        action=ATTENDANCE_ACTION,
        label=_("Attended"),
        actor="network",
    ),
    Transition(
        source=S.ATTENDED,
        target=S.REGISTERED,
        action=ATTENDANCE_ACTION,
        label=_("Did not attend"),
        actor="network",
    ),
)

TRANSITIONS = table(_ROWS)

TAKING_A_SEAT: frozenset[str] = frozenset({S.REGISTERED, S.ATTENDED})
"""States that hold one of the session's seats."""
