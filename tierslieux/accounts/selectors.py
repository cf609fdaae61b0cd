"""Reads on accounts for the pages."""

from django.db.models import QuerySet

from tierslieux.accounts.models import Invitation, InvitationState


def invitation_list_pending() -> QuerySet[Invitation]:
    """The invitations still waiting for their holder to set a password, latest sent first."""
    return (
        Invitation.objects.filter(state=InvitationState.PENDING)
        .select_related("organisation", "invited_by")
        .order_by("-sent_at", "-pk")
    )
