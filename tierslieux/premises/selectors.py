"""Reads of premises offers: who sees which offer, the ranked list."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet
from django.urls import reverse

from tierslieux.core.permissions import (
    STAFF_ROLES,
    has_role,
    object_region_code,
    region_q,
    user_can,
    user_region_codes,
)
from tierslieux.core.roles import Role
from tierslieux.premises.models import PremisesInterest, PremisesOffer, PremisesPhoto
from tierslieux.premises.workflow import PUBLIC_STATES, PremisesState


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, *STAFF_ROLES)


def _authority_id(user: Any) -> int | None:
    if not has_role(user, Role.AUTHORITY):
        return None
    return getattr(user, "organisation_id", None)


def offers_managed_qs(*, user: Any) -> QuerySet[PremisesOffer]:
    """The offers ``user`` may edit, in its region(s): all for the Région's staff, its own for
    an authority."""
    offers = PremisesOffer.objects.filter(region_q(user, "commune__departement__region_code"))
    if _is_staff(user):
        return offers
    authority = _authority_id(user)
    if authority is None:
        return offers.none()
    return offers.filter(authority_id=authority)


def offers_visible_qs(*, user: Any) -> QuerySet[PremisesOffer]:
    """What ``user`` may see: the published and reserved offers, and the ones it manages."""
    public = PremisesOffer.objects.filter(state__in=PUBLIC_STATES)
    return public | offers_managed_qs(user=user)


def user_may_manage_offer(user: Any, offer: PremisesOffer) -> bool:
    """Object rule of ``premises.offer_manage`` (and of seeing an offer not published yet):
    the Région's staff manage the offers of their region(s), an authority its own there."""
    regions = user_region_codes(user)
    if regions is not None and object_region_code(offer) not in regions:
        return False
    if _is_staff(user):
        return True
    authority = _authority_id(user)
    return authority is not None and offer.authority_id == authority


def user_may_view_offer(user: Any, offer: PremisesOffer) -> bool:
    """Object rule of ``premises.offer_view``."""
    return offer.state in PUBLIC_STATES or user_may_manage_offer(user, offer)


def user_may_decide_interest(user: Any, obj: Any) -> bool:
    """Object rule of ``premises.interest_decide``: on an offer or an interest in it, its
    managers (the offering authority, the Région's staff)."""
    offer = obj.offer if isinstance(obj, PremisesInterest) else obj
    return user_may_manage_offer(user, offer)


def user_may_withdraw_interest(user: Any, interest: PremisesInterest) -> bool:
    """Object rule of ``premises.interest_withdraw``: a member of the interested holder."""
    org = getattr(user, "organisation_id", None)
    return org is not None and interest.organisation_id == org


def user_may_see_contact(user: Any, offer: PremisesOffer) -> bool:
    """The exact address and the contact: logged-in users (holders, staff, authorities)."""
    return user_can(user, "premises.contact_view") and user_can(user, "premises.offer_view", offer)


@dataclass(frozen=True)
class OfferFilters:
    region: str = ""
    """INSEE code of one region; empty: every region served."""
    departement: str = ""
    state: str = ""
    building_state: str = ""
    min_surface: Decimal | None = None
    max_rent: Decimal | None = None


def offers_ranked(*, user: Any, filters: OfferFilters | None = None) -> QuerySet[PremisesOffer]:
    """The offers ``user`` may see, those serving the most people without a place first."""
    filters = filters or OfferFilters()
    offers = offers_visible_qs(user=user).select_related("commune", "authority")
    if filters.region:
        offers = offers.filter(commune__departement__region_code=filters.region)
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


def offer_get(*, user: Any, pk: int) -> PremisesOffer | None:
    """The offer if ``user`` may see it, else None (the page answers 404)."""
    return (
        offers_visible_qs(user=user)
        .select_related("commune__departement", "authority")
        .prefetch_related("photos")
        .filter(pk=pk)
        .first()
    )


def photo_get(*, user: Any, pk: int) -> PremisesPhoto | None:
    """A photo of an offer ``user`` may see, else None."""
    return PremisesPhoto.objects.filter(pk=pk, offer__in=offers_visible_qs(user=user)).first()


def offer_managed_get(*, user: Any, pk: int) -> PremisesOffer | None:
    """The offer if ``user`` may edit it, else None (another authority's offer: 404)."""
    return offers_managed_qs(user=user).select_related("commune").filter(pk=pk).first()


def offers_public_features(*, user: Any) -> list[dict[str, Any]]:
    """GeoJSON features of the published offers. The exact point, address and contact only to
    signed-in users; visitors get the point rounded to 0.01° (about a kilometre)."""
    exact = user_can(user, "premises.contact_view")
    offers = (
        PremisesOffer.objects.filter(state=PremisesState.PUBLISHED)
        .select_related("commune")
        .order_by("pk")
    )
    features = []
    for offer in offers:
        lon, lat = (offer.lon, offer.lat) if exact else (round(offer.lon, 2), round(offer.lat, 2))
        properties: dict[str, Any] = {
            "id": offer.pk,
            "title": offer.title,
            "url": reverse("premises:offer_detail", args=[offer.pk]),
            "figure": offer.inhabitants_brought,
            "commune": offer.commune_id,
            "commune_name": offer.commune.name,
            "surface_m2": float(offer.surface_m2),
            "rooms": offer.rooms,
            "building_state": offer.building_state,
            "rent_per_m2_month": float(offer.rent_per_m2_month),
            "available_on": offer.available_on.isoformat() if offer.available_on else None,
            "accessible": offer.accessible,
            "fibre": offer.fibre,
            "white_zone": offer.white_zone,
            "inhabitants_brought": offer.inhabitants_brought,
            "creation_eligible": offer.creation_eligible,
            "demo": offer.is_demo,
        }
        if exact:
            properties.update(
                address=offer.address,
                contact_name=offer.contact_name,
                contact_email=offer.contact_email,
                contact_phone=offer.contact_phone,
            )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": properties,
            }
        )
    return features
