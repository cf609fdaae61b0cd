"""The lifecycle of a premises offer, as data (docs/workflow.md): draft → published → reserved
→ let, and withdrawn from any state but let. The behaviour lives in ``premises/services.py``."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from tierslieux.core.workflow import Transition, table


class PremisesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RESERVED = "reserved", _("Reserved")
    LET = "let", _("Let")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = PremisesState

PUBLIC_STATES = frozenset({S.PUBLISHED, S.RESERVED})
"""States in which an offer is shown to the public (list, map, candidates only: published)."""
EDITABLE_STATES = frozenset({S.DRAFT, S.PUBLISHED, S.RESERVED})


class Hook(StrEnum):
    MATCH_COMPUTE = "match_compute"


MANAGE = "premises.offer_manage"

TRANSITIONS = table(
    [
        Transition(S.DRAFT, S.PUBLISHED, MANAGE, _("Publish"), after=(Hook.MATCH_COMPUTE,)),
        Transition(S.DRAFT, S.WITHDRAWN, MANAGE, _("Withdraw")),
        Transition(S.PUBLISHED, S.RESERVED, MANAGE, _("Mark as reserved")),
        Transition(S.PUBLISHED, S.DRAFT, MANAGE, _("Back to draft")),
        Transition(S.PUBLISHED, S.WITHDRAWN, MANAGE, _("Withdraw"), reason_required=True),
        Transition(
            S.RESERVED,
            S.PUBLISHED,
            MANAGE,
            _("Offer again"),
            reason_required=True,
            after=(Hook.MATCH_COMPUTE,),
        ),
        Transition(S.RESERVED, S.LET, MANAGE, _("Mark as let")),
        Transition(S.RESERVED, S.WITHDRAWN, MANAGE, _("Withdraw"), reason_required=True),
        Transition(S.WITHDRAWN, S.DRAFT, MANAGE, _("Reopen as draft")),
    ]
)


# --- a project's interest in an offer (ADR 0032) ----------------------------------------------


class InterestState(models.TextChoices):
    INTERESTED = "interested", _("Interested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InterestHook(StrEnum):
    ACCEPT = "accept"
    NOTIFY_ACCEPTED = "notify_accepted"
    NOTIFY_DECLINED = "notify_declined"


IS = InterestState
DECIDE = "premises.interest_decide"

INTEREST_TRANSITIONS = table(
    [
        Transition(
            IS.INTERESTED,
            IS.ACCEPTED,
            DECIDE,
            _("Accept this project"),
            after=(InterestHook.ACCEPT,),
            after_commit=(InterestHook.NOTIFY_ACCEPTED,),
            actor="authority",
        ),
        Transition(
            IS.INTERESTED,
            IS.DECLINED,
            DECIDE,
            _("Decline"),
            after_commit=(InterestHook.NOTIFY_DECLINED,),
            actor="authority",
        ),
        Transition(
            IS.INTERESTED,
            IS.WITHDRAWN,
            "premises.interest_withdraw",
            _("Withdraw my interest"),
            actor="holder",
        ),
    ]
)
"""Accepted, declined and withdrawn are final: accepting one project declines the others and
reserves the offer, in one transaction (``premises/services_interest.py``)."""
