"""Which region each object of the calls belongs to, and the regions a user may run calls in.

A call belongs to a region (``Call.region_code``); its applications, attachments, messages,
assessments, opinions, decisions and review items belong to the call's region; a project review
has its own ``region_code`` (it may have no call). ``tierslieux.core.permissions.user_can``
reads these through ``register_region_of`` (ADR 0029).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tierslieux.core.permissions import register_region_of, user_region_codes
from tierslieux.core.regions import region_name


def regions_register() -> None:
    """Tell the permission helper the region of every object of the calls (from ``ready``)."""
    from tierslieux.calls import models

    def of_call(call: Any) -> str:
        return call.region_code

    def of_application(application: Any) -> str:
        return application.call.region_code

    def of_child(obj: Any) -> str:
        return obj.application.call.region_code

    register_region_of(models.Call, of_call)
    register_region_of(models.Application, of_application)
    for model in (
        models.Attachment,
        models.ApplicationMessage,
        models.Assessment,
        models.Opinion,
        models.Decision,
        models.ProjectReviewItem,
    ):
        register_region_of(model, of_child)
    register_region_of(models.ProjectReview, lambda review: review.region_code)


def call_region_choices(user: Any) -> list[tuple[str, str]]:
    """The served regions (``TERRITORY_REGIONS``) ``user`` may run a call in, as choices."""
    scope = user_region_codes(user)
    return [
        (code, region_name(code))
        for code in settings.TERRITORY_REGIONS
        if scope is None or code in scope
    ]


def call_region_check(region_code: str, *, by: Any) -> None:
    """Refuse a call of a region this deployment does not serve, or outside ``by``'s regions
    (``ValidationError`` on ``region_code``)."""
    if region_code not in settings.TERRITORY_REGIONS:
        raise ValidationError(
            {
                "region_code": _(
                    "The region %(code)s is not served by this deployment (served: %(served)s)."
                )
                % {
                    "code": region_code,
                    "served": ", ".join(
                        f"{c} {region_name(c)}" for c in settings.TERRITORY_REGIONS
                    ),
                }
            },
        )
    allowed = [code for code, _name in call_region_choices(by)]
    if by is not None and region_code not in allowed:
        raise ValidationError(
            {
                "region_code": _(
                    "You may run calls only in your own region(s): %(allowed)s; not in %(region)s."
                )
                % {
                    "allowed": ", ".join(f"{c} {region_name(c)}" for c in allowed) or "-",
                    "region": f"{region_code} {region_name(region_code)}",
                }
            },
        )
