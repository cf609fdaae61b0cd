import factory

from tierslieux.places.models import Place, PlaceKind, PlaceSource, PlaceState
from tierslieux.territory.models import Commune


def commune(code: str) -> Commune:
    """A commune of the real territory loaded for the test session."""
    return Commune.objects.get(code=code)


class PlaceFactory(factory.django.DjangoModelFactory):
    """A published, open place in Bordeaux unless told otherwise (invented test data)."""

    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Tiers-lieu de test {n}")
    description = "Lieu inventé pour les tests."
    kinds = factory.LazyFunction(lambda: [PlaceKind.COWORKING.value])
    services = factory.LazyFunction(list)
    state = PlaceState.OPEN
    commune = factory.LazyFunction(lambda: commune("33063"))
    lon = factory.LazyAttribute(lambda p: p.commune.lon)
    lat = factory.LazyAttribute(lambda p: p.commune.lat)
    city = factory.LazyAttribute(lambda p: p.commune.name)
    source = PlaceSource.MANUAL
    is_published = True

    class Params:
        unpublished = factory.Trait(is_published=False)
        project = factory.Trait(state=PlaceState.PROJECT)
        closed = factory.Trait(
            state=PlaceState.CLOSED, closed_on=factory.Faker("date_between", start_date="-3y")
        )
