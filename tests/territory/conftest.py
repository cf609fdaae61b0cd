"""Fixtures of the territory's tests: a second region across the border of the loaded one."""

import pytest

from tests.places.factories import PlaceFactory, commune
from tierslieux.territory.models import Commune, Departement, PopulationCell

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [0.01, 0], [0.01, 0.01], [0, 0]]]}


@pytest.fixture
def border(db):
    """A commune of Cantal (15, Auvergne-Rhône-Alpes) 5 km east of Bort-les-Orgues (19028,
    Corrèze, Nouvelle-Aquitaine) with a cell at its town hall, another commune and cell 40 km
    further east, and an open place at the first town hall: the only place, within reach of
    Corrèze's cells."""
    bort = commune("19028")
    cantal = Commune.objects.create(
        code="15999",
        name="Commune inventée du Cantal",
        departement=Departement.objects.get(code="15"),
        population=1000,
        population_2021=1000,
        density_level=6,
        lon=bort.lon + 0.065,
        lat=bort.lat,
        geometry=SQUARE,
    )
    PopulationCell.objects.create(
        x_m=1, y_m=1, population=600, lon=cantal.lon, lat=cantal.lat, commune=cantal
    )
    far = Commune.objects.create(
        code="15998",
        name="Autre commune inventée du Cantal",
        departement=cantal.departement,
        population=400,
        population_2021=400,
        density_level=7,
        lon=cantal.lon + 0.5,
        lat=cantal.lat,
        geometry=SQUARE,
    )
    PopulationCell.objects.create(
        x_m=1, y_m=2, population=400, lon=far.lon, lat=far.lat, commune=far
    )
    place = PlaceFactory(commune=cantal, lon=cantal.lon, lat=cantal.lat)
    return cantal, place
