"""Writes of the dashboard's own records: tying a yearly grant to the partnership programme
with the regional network (ADR 0033)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tierslieux.core.permissions import Actor, require
from tierslieux.dashboard.models import GrantLine, OtherGrant


@transaction.atomic
def other_grant_programme_set(*, grant: OtherGrant, programme, by: Actor) -> OtherGrant:
    """Tie ``grant`` to ``programme`` (or untie it with ``None``). Only a grant of the "support
    to the regional network" line whose budget year is a year of the programme may be tied."""
    require(by, "network.programme_manage", programme)
    if programme is not None:
        if grant.line != GrantLine.REGIONAL_NETWORK:
            raise ValidationError(
                _(
                    "Only a grant of the line “support to the regional network” belongs to the "
                    "programme."
                ),
                code="grant_line",
            )
        if grant.year not in programme.years():
            raise ValidationError(
                _("The grant's budget year %(year)s is not a year of the programme.")
                % {"year": grant.year},
                code="grant_year",
            )
    grant.programme = programme
    grant.full_clean()
    grant.save(update_fields=["programme"])
    return grant
