"""Reads of premises offers: who sees which offer, the ranked list."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet

from tierslieux.core.permissions import STAFF_ROLES, has_role, user_can
from tierslieux.core.roles import Role
from tierslieux.premises.models import PremisesOffer
from tierslieux.premises.workflow import PUBLIC_STATES


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *STAFF_ROLES)


def _authority_id(user: Any) -> int | None:
    if not has_role(user, Role.AUTHORITY):
        return None
    return getattr(user, "organisation_id", None)


def offers_managed_qs(*, user: Any) -> QuerySet[PremisesOffer]:
    """The offers ``user`` may edit: all for the Région's staff, its own for an authority."""
    offers = PremisesOffer.objects.all()
    if _is_staff(user):
        return offers
    authority = _authority_id(user)
    if authority is None:
        return offers.none()
    return offers.filter(authority_id=authority)


def offers_visible_qs(*, user: Any) -> QuerySet[PremisesOffer]:
    """What ``user`` may see: the published and reserved offers, and the ones it manages."""
    public = PremisesOffer.objects.filter(state__in=PUBLIC_STATES)
    if _is_staff(user):
        return PremisesOffer.objects.all()
    return public | offers_managed_qs(user=user)


def user_may_manage_offer(user: Any, offer: PremisesOffer) -> bool:
    """Object rule of ``premises.offer_manage``."""
    if _is_staff(user):
        return True
    authority = _authority_id(user)
    return authority is not None and offer.authority_id == authority


def user_may_view_offer(user: Any, offer: PremisesOffer) -> bool:
    """Object rule of ``premises.offer_view``."""
    return offer.state in PUBLIC_STATES or user_may_manage_offer(user, offer)


def user_may_see_contact(user: Any, offer: PremisesOffer) -> bool:
    """The exact address and the contact: logged-in users (holders, staff, authorities)."""
    return user_can(user, "premises.contact_view") and user_can(user, "premises.offer_view", offer)


@dataclass(frozen=True)
class OfferFilters:
    departement: str = ""
    state: str = ""
    building_state: str = ""
    min_surface: Decimal | None = None
    max_rent: Decimal | None = None


def offers_ranked(*, user: Any, filters: OfferFilters | None = None) -> QuerySet[PremisesOffer]:
    """The offers ``user`` may see, those serving the most people without a place first."""
    filters = filters or OfferFilters()
    offers = offers_visible_qs(user=user).select_related("commune", "authority")
    if filters.departement:
        offers = offers.filter(commune__departement_id=filters.departement)
    if filters.state:
        offers = offers.filter(state=filters.state)
    if filters.building_state:
        offers = offers.filter(building_state=filters.building_state)
    if filters.min_surface is not None:
        offers = offers.filter(surface_m2__gte=filters.min_surface)
    if filters.max_rent is not None:
        offers = offers.filter(rent_per_m2_month__lte=filters.max_rent)
    return offers.order_by(F("inhabitants_brought").desc(nulls_last=True), "pk")
