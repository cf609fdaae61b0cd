"""The directory hands its places down to the territorial mesh (docs/adr/0021)."""

import pytest

from tierslieux.places.mesh import PLACES_SOURCE
from tierslieux.places.selectors import place_open_published
from tierslieux.territory.mesh import places_read, places_source
from tierslieux.territory.mesh_cache import inputs_fingerprint

from .factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_the_directory_registers_its_places_with_the_mesh():
    assert places_source() is PLACES_SOURCE


def test_the_mesh_reads_the_open_published_places_through_the_source():
    PlaceFactory.create_batch(2)
    expected = sorted(place_open_published().values_list("pk", flat=True))
    assert places_read().ids.tolist() == expected


def test_the_report_fingerprint_changes_with_a_place():
    before = inputs_fingerprint()
    PlaceFactory()
    assert inputs_fingerprint() != before
