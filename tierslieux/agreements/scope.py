"""Which region each object of the agreements belongs to (ADR 0029).

An agreement, its meetings, indicators, values and tranches belong to the region of the call the
application answered; a premises agreement and a journal entry carry their own ``region_code``
(set from their application's call, else their place's or commune's département, else their
author's region), since they may exist without any call.
"""

from typing import Any

from django.conf import settings

from tierslieux.core.permissions import register_region_of


def regions_register() -> None:
    """Tell the permission helper the region of every object of the agreements."""
    from tierslieux.agreements import models

    register_region_of(models.Agreement, lambda a: a.application.call.region_code)
    for model in (models.Milestone, models.PaymentTranche, models.AgreementIndicator):
        register_region_of(model, lambda obj: obj.agreement.application.call.region_code)
    register_region_of(models.PremisesAgreement, lambda p: p.region_code)
    register_region_of(models.JournalEntry, lambda e: e.region_code)


def region_of_project(
    *, application: Any = None, place: Any = None, commune: Any = None, by: Any = None
) -> str:
    """The region of a premises agreement or a journal entry: its application's call's, else
    its place's or commune's (through the département), else the author's, else the home one."""
    if application is not None:
        return application.call.region_code
    for where in (getattr(place, "commune", None), commune):
        if where is not None and where.departement_id:
            return where.departement.region_code
    own = getattr(by, "region_code", "")
    return own if own in settings.TERRITORY_REGIONS else settings.TERRITORY_REGION_CODE
