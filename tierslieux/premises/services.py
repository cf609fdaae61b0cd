"""Writes of premises offers: create, update, move along the lifecycle, compute the match.

Every service checks its permission on the object (``core.permissions.user_can``) and validates
the whole offer before any write: bad input raises a ``ValidationError`` and nothing is saved.
Photos are checked as images (``core.uploads``) before the transaction opens.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.permissions import Actor, has_role, require
from tierslieux.core.roles import Role
from tierslieux.core.uploads import CheckedUpload, UploadPolicy, check_upload
from tierslieux.core.workflow import TransitionContext, Workflow
from tierslieux.premises.mesh import match_compute
from tierslieux.premises.models import PremisesOffer, PremisesOfferLog, PremisesPhoto
from tierslieux.premises.workflow import EDITABLE_STATES, PUBLIC_STATES, TRANSITIONS, Hook
from tierslieux.territory.selectors import commune_locator

PHOTO_POLICY = UploadPolicy(
    extensions={"jpg": "jpeg", "jpeg": "jpeg", "png": "png"}, max_bytes=5 * 1024 * 1024
)
MAX_PHOTOS = 10
POINT_TOLERANCE_KM = 0.5
"""A point may be this far outside the territory's outline (a building on the border)."""

EDITABLE_FIELDS = (
    "title",
    "commune",
    "address",
    "lon",
    "lat",
    "surface_m2",
    "rooms",
    "building_state",
    "rent_per_m2_month",
    "reference_rent_per_m2_month",
    "available_on",
    "accessible",
    "fibre",
    "description",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def photos_check(photos: Sequence[Any]) -> list[CheckedUpload]:
    """Check every photo as an image (JPEG or PNG, at most 5 MB); the first error refused."""
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(n)s photos per offer.") % {"n": MAX_PHOTOS}}, code="photos"
        )
    checked = []
    for photo in photos:
        try:
            checked.append(check_upload(photo, policy=PHOTO_POLICY))
        except ValidationError as exc:
            raise ValidationError({"photos": exc.messages}, code="photo") from exc
    return checked


def _point_set(offer: PremisesOffer) -> None:
    """Default the point to the commune's town hall; refuse a point outside the territory."""
    if offer.commune_id is None:
        return
    if offer.lon is None or offer.lat is None:
        offer.lon, offer.lat = offer.commune.lon, offer.commune.lat
    if not (-180 <= offer.lon <= 180 and -90 <= offer.lat <= 90) or (
        commune_locator().locate(offer.lon, offer.lat, tolerance_km=POINT_TOLERANCE_KM) is None
    ):
        raise ValidationError(
            {"lon": _("This point is outside the region's territory: place it on the map.")},
            code="point_outside",
        )


def _authority_of(by: Actor, authority: Any) -> Any:
    """An authority user offers for its own organisation; the Région's staff name one."""
    if has_role(by, Role.INSTRUCTOR) or getattr(by, "is_superuser", False):
        if authority is None:
            raise ValidationError(
                {"authority": _("Choose the local authority offering the building.")}
            )
        return authority
    own = getattr(by, "organisation", None)
    if own is None:
        raise ValidationError(
            _("Your account is not linked to a local authority: ask the Région's team.")
        )
    return own


def _match_set(offer: PremisesOffer) -> None:
    match = match_compute(lon=offer.lon, lat=offer.lat, commune_code=offer.commune_id)
    offer.white_zone = match.white_zone
    offer.minutes_to_nearest_place = match.minutes_to_nearest_place
    offer.inhabitants_brought = match.inhabitants_brought
    offer.creation_eligible = match.creation_eligible
    offer.match_computed_at = clock.now()


def _photos_store(offer: PremisesOffer, photos: Sequence[CheckedUpload]) -> None:
    for photo in photos:
        photo.file.seek(0)
        PremisesPhoto.objects.create(
            offer=offer,
            file=photo.file,
            name=photo.name,
            content_type=photo.content_type,
            size=photo.size,
            sha256=photo.sha256,
        )


def premises_offer_create(
    *,
    values: Mapping[str, Any],
    by: Actor,
    authority: Any = None,
    photos: Sequence[Any] = (),
    is_demo: bool = False,
) -> PremisesOffer:
    """A new draft offer of ``authority`` (an authority user: its own organisation);
    ``is_demo`` for the demo records only (``tierslieux/demo``)."""
    require(by, "premises.offer_create")
    checked = photos_check(photos)
    offer = PremisesOffer(
        authority=_authority_of(by, authority),
        is_demo=is_demo,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        **{k: v for k, v in values.items() if k in EDITABLE_FIELDS},
    )
    _point_set(offer)
    offer.full_clean()
    with transaction.atomic():
        offer.save()
        _photos_store(offer, checked)
    return offer


def premises_offer_update(
    *, offer: PremisesOffer, values: Mapping[str, Any], by: Actor, photos: Sequence[Any] = ()
) -> PremisesOffer:
    """Change an offer (draft, published or reserved); a public offer's match is recomputed."""
    require(by, "premises.offer_manage", offer)
    if offer.state not in EDITABLE_STATES:
        raise ValidationError(_("This offer can no longer be changed."), code="not_editable")
    checked = photos_check(photos)
    if offer.photos.count() + len(checked) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(n)s photos per offer.") % {"n": MAX_PHOTOS}})
    fresh = PremisesOffer.objects.get(pk=offer.pk)
    for name, value in values.items():
        if name in EDITABLE_FIELDS:
            setattr(fresh, name, value)
    _point_set(fresh)
    fresh.full_clean()
    if fresh.state in PUBLIC_STATES:
        _match_set(fresh)
    with transaction.atomic():
        fresh.save()
        _photos_store(fresh, checked)
    offer.refresh_from_db()
    return offer


def _match_hook(context: TransitionContext[PremisesOffer]) -> None:
    _match_set(context.obj)


PREMISES_WORKFLOW = Workflow(
    model=PremisesOffer,
    transitions=TRANSITIONS,
    log_model=PremisesOfferLog,
    log_object_field="offer",
    hooks={Hook.MATCH_COMPUTE: _match_hook},
)


def premises_offer_transition(
    *, offer: PremisesOffer, to: str, by: Actor, reason: str = ""
) -> PremisesOffer:
    """Move an offer along its lifecycle (publishing computes its match with the mesh)."""
    return PREMISES_WORKFLOW.run(obj=offer, to=to, by=by, reason=reason)


def premises_offers_match_recompute(*, by: Actor = None) -> int:
    """Recompute the match of every public offer (places opened or closed); how many."""
    if by is not None:
        require(by, "premises.ranking_view")
    count = 0
    for offer in PremisesOffer.objects.filter(state__in=PUBLIC_STATES).order_by("pk"):
        _match_set(offer)
        offer.save(
            update_fields=[
                "white_zone",
                "minutes_to_nearest_place",
                "inhabitants_brought",
                "creation_eligible",
                "match_computed_at",
                "updated_at",
            ]
        )
        count += 1
    return count
