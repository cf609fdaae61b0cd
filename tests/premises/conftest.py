import datetime
from decimal import Decimal

import pytest

from tests.accounts.factories import OrganisationFactory, UserFactory
from tierslieux.accounts.models import OrganisationKind


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests read messages in English (the msgids)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def authority_user(db):
    org = OrganisationFactory(name="Commune de Guéret", kind=OrganisationKind.COMMUNE)
    return UserFactory(authority=True, organisation=org)


@pytest.fixture
def other_authority_user(db):
    org = OrganisationFactory(name="Commune voisine", kind=OrganisationKind.COMMUNE)
    return UserFactory(authority=True, organisation=org)


@pytest.fixture
def instructor(db):
    return UserFactory(instructor=True)


def offer_values(commune_code: str = "23096", **overrides):
    """A valid offer (invented building) in a commune of the loaded territory."""
    from tierslieux.territory.models import Commune

    values = {
        "title": "Ancienne école",
        "commune": Commune.objects.get(code=commune_code),
        "address": "1 place de la Mairie",
        "lon": None,
        "lat": None,
        "surface_m2": Decimal("180.0"),
        "rooms": 5,
        "building_state": "light_works",
        "rent_per_m2_month": Decimal("4.50"),
        "reference_rent_per_m2_month": Decimal("9.00"),
        "available_on": datetime.date(2027, 1, 1),
        "accessible": True,
        "fibre": True,
        "contact_name": "Service patrimoine",
        "contact_email": "patrimoine@example.org",
    }
    values.update(overrides)
    return values
