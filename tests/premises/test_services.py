"""Creating and changing premises offers: who may, and bad input refused with nothing saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.accounts.factories import UserFactory
from tests.premises.conftest import offer_values
from tierslieux.premises import services
from tierslieux.premises.models import PremisesOffer, PremisesPhoto
from tierslieux.territory.models import Commune

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_authority_creates_a_draft_for_its_own_organisation(
    authority_user, other_authority_user
):
    offer = services.premises_offer_create(
        values=offer_values(),
        by=authority_user,
        authority=other_authority_user.organisation,  # ignored: its own organisation
        photos=[SimpleUploadedFile("facade.png", PNG, content_type="image/png")],
    )
    assert offer.authority == authority_user.organisation
    assert offer.state == "draft"
    commune = Commune.objects.get(code="23096")
    assert (offer.lon, offer.lat) == (commune.lon, commune.lat)  # the town hall by default
    assert offer.rent_share_of_market == Decimal("0.50")
    photo = PremisesPhoto.objects.get(offer=offer)
    assert photo.content_type == "image/png" and photo.name == "facade.png"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"rent_per_m2_month": Decimal("-1")}, "rent_per_m2_month"),
        ({"surface_m2": Decimal("-10")}, "surface_m2"),
        ({"surface_m2": Decimal("0")}, "surface_m2"),
        ({"lon": 2.35, "lat": 48.85}, "lon"),  # Paris: outside the region
        ({"lon": 500.0, "lat": 45.0}, "lon"),
        ({"contact_email": "not an address"}, "contact_email"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(authority_user, override, field):
    with pytest.raises(ValidationError) as refused:
        services.premises_offer_create(values=offer_values(**override), by=authority_user)
    assert field in refused.value.message_dict
    assert not PremisesOffer.objects.exists()


@pytest.mark.parametrize(
    "photo",
    [
        SimpleUploadedFile("photo.jpg", b"this is not an image at all", content_type="image/jpeg"),
        SimpleUploadedFile("photo.pdf", b"%PDF-1.4 a document", content_type="application/pdf"),
        SimpleUploadedFile(
            "photo.png", PNG + b"\x00" * (5 * 1024 * 1024), content_type="image/png"
        ),
    ],
    ids=["not-an-image", "pdf", "too-large"],
)
def test_a_photo_that_is_not_a_bounded_image_is_refused(authority_user, photo):
    with pytest.raises(ValidationError) as refused:
        services.premises_offer_create(values=offer_values(), by=authority_user, photos=[photo])
    assert "photos" in refused.value.message_dict
    assert not PremisesOffer.objects.exists()
    assert not PremisesPhoto.objects.exists()


def test_an_authority_cannot_edit_another_authoritys_offer(authority_user, other_authority_user):
    offer = services.premises_offer_create(values=offer_values(), by=authority_user)
    with pytest.raises(PermissionDenied):
        services.premises_offer_update(
            offer=offer, values={"rent_per_m2_month": Decimal("1")}, by=other_authority_user
        )
    offer.refresh_from_db()
    assert offer.rent_per_m2_month == Decimal("4.50")


def test_the_regions_staff_edit_any_offer_and_name_the_authority(authority_user, instructor):
    with pytest.raises(ValidationError) as refused:
        services.premises_offer_create(values=offer_values(), by=instructor)
    assert "authority" in refused.value.message_dict
    offer = services.premises_offer_create(
        values=offer_values(), by=instructor, authority=authority_user.organisation
    )
    assert offer.authority == authority_user.organisation
    services.premises_offer_update(offer=offer, values={"rooms": 7}, by=instructor)
    services.premises_offer_update(offer=offer, values={"rooms": 8}, by=authority_user)
    offer.refresh_from_db()
    assert offer.rooms == 8


def test_an_update_with_bad_input_changes_nothing(authority_user):
    offer = services.premises_offer_create(values=offer_values(), by=authority_user)
    with pytest.raises(ValidationError):
        services.premises_offer_update(
            offer=offer,
            values={"rooms": 9, "rent_per_m2_month": Decimal("-3")},
            by=authority_user,
        )
    offer.refresh_from_db()
    assert offer.rooms == 5 and offer.rent_per_m2_month == Decimal("4.50")


def test_who_may_not_create(db):
    with pytest.raises(PermissionDenied):
        services.premises_offer_create(values=offer_values(), by=UserFactory(holder=True))
    with pytest.raises(PermissionDenied):
        services.premises_offer_create(values=offer_values(), by=None)
    lonely = UserFactory(authority=True)  # no organisation
    with pytest.raises(ValidationError):
        services.premises_offer_create(values=offer_values(), by=lonely)
    assert not PremisesOffer.objects.exists()
