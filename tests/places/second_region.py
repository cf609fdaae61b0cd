"""A small hand-made second region for the tests of a deployment serving several regions.

Two départements of Auvergne-Rhône-Alpes (84) with three communes (their real codes, names and
town halls; the outlines are rough boxes) and three places; Nouvelle-Aquitaine (75) keeps the
real territory the session loaded. ``get_or_create``: a session that loaded region 84 already
keeps its own records.

Use it with ``settings.TERRITORY_REGIONS = ("75", "84")`` (``two_regions_serve``).
"""

from dataclasses import dataclass

from tests.places.factories import PlaceFactory, commune
from tierslieux.places.models import Place
from tierslieux.territory.models import Commune, Departement, Epci

LYON_EPCI = "200046977"
COMMUNES = (
    # code, name, département, EPCI, population, lon, lat, postcode
    ("69123", "Lyon", "69", LYON_EPCI, 522250, 4.8357, 45.7640, "69001"),
    ("69266", "Villeurbanne", "69", LYON_EPCI, 156928, 4.8799, 45.7719, "69100"),
    ("38185", "Grenoble", "38", "200040715", 156389, 5.7245, 45.1885, "38000"),
)


def _box(lon: float, lat: float) -> dict:
    d = 0.02
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


@dataclass(frozen=True)
class TwoRegions:
    lyon: Place
    villeurbanne: Place
    grenoble: Place
    bordeaux: Place
    limoges: Place


def second_region_make() -> TwoRegions:
    """Region 84's départements, communes and places, and two places of region 75."""
    for code, name in (("69", "Rhône"), ("38", "Isère")):
        Departement.objects.get_or_create(code=code, defaults={"name": name, "region_code": "84"})
    Epci.objects.get_or_create(code=LYON_EPCI, defaults={"name": "Métropole de Lyon", "kind": "ME"})
    Epci.objects.get_or_create(
        code="200040715", defaults={"name": "Grenoble-Alpes-Métropole", "kind": "ME"}
    )
    for code, name, dep, epci, population, lon, lat, postcode in COMMUNES:
        Commune.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "departement_id": dep,
                "epci_id": epci,
                "population": population,
                "population_2021": population,
                "density_level": 1,
                "postal_codes": [postcode],
                "lon": lon,
                "lat": lat,
                "geometry": _box(lon, lat),
            },
        )
    return TwoRegions(
        lyon=PlaceFactory(name="Atelier lyonnais", commune=commune("69123")),
        villeurbanne=PlaceFactory(name="Coworking de Villeurbanne", commune=commune("69266")),
        grenoble=PlaceFactory(name="Fablab grenoblois", commune=commune("38185")),
        bordeaux=PlaceFactory(name="Coworking bordelais", commune=commune("33063")),
        limoges=PlaceFactory(name="Tiers-lieu limougeaud", commune=commune("87085")),
    )


def two_regions_serve(settings) -> TwoRegions:
    """A deployment serving Nouvelle-Aquitaine and Auvergne-Rhône-Alpes, with places in both
    (``settings``: pytest-django's fixture)."""
    settings.TERRITORY_REGIONS = ("75", "84")
    return second_region_make()
