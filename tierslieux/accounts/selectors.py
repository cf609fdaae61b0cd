"""Reads on accounts for the pages."""

from typing import Any

from django.db.models import Q, QuerySet

from tierslieux.accounts.models import Invitation, InvitationState
from tierslieux.core.permissions import region_q


def invitation_list_pending(*, user: Any = None) -> QuerySet[Invitation]:
    """The invitations still waiting for their holder to set a password, latest sent first
    (those into ``user``'s region(s) when given: staff see their own region's)."""
    where = region_q(user, "region_code") if user is not None else Q()
    return (
        Invitation.objects.filter(where, state=InvitationState.PENDING)
        .select_related("organisation", "invited_by")
        .order_by("-sent_at", "-pk")
    )


def invitation_get(*, user: Any, pk: int) -> Invitation | None:
    """One invitation into ``user``'s region(s) (any state)."""
    return Invitation.objects.filter(region_q(user, "region_code"), pk=pk).first()
