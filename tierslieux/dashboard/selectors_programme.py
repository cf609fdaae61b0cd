"""Reads of the yearly grants of the partnership programme with the regional network (ADR
0033): shown on the programme's page through the ``network.panels`` extension point."""

from django.db.models import QuerySet

from tierslieux.core.permissions import user_can
from tierslieux.dashboard.models import GrantLine, OtherGrant


def programme_grants(*, user, programme) -> QuerySet[OtherGrant]:
    """The grants tied to ``programme``, by budget year."""
    if not user_can(user, "network.programme_view", programme):
        return OtherGrant.objects.none()
    return (
        OtherGrant.objects.filter(programme=programme)
        .select_related("beneficiary")
        .order_by("year", "committed_on", "pk")
    )


def programme_grants_linkable(*, user, programme) -> QuerySet[OtherGrant]:
    """Grants of the regional-network line, of a year of ``programme``, tied to no programme,
    demo grants for a demo programme only."""
    if not user_can(user, "network.programme_manage", programme):
        return OtherGrant.objects.none()
    return OtherGrant.objects.filter(
        programme__isnull=True,
        line=GrantLine.REGIONAL_NETWORK,
        year__in=programme.years(),
        is_demo=programme.is_demo,
    ).order_by("year", "pk")
