"""Factories of the partnership programme and the resources library (invented test data)."""

import datetime

import factory

from tierslieux.network.models import (
    Licence,
    Objective,
    ObjectiveKind,
    Programme,
    Resource,
    ResourceKind,
)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A three-year programme 2024-2026."""

    class Meta:
        model = Programme

    title = factory.Sequence(lambda n: f"Programme de partenariat {n}")
    starts_on = datetime.date(2024, 1, 1)
    ends_on = datetime.date(2026, 12, 31)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2025
    kind = ObjectiveKind.TRAININGS_DELIVERED
    target = 4


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Guide partagé {n}")
    kind = ResourceKind.GUIDE
    licence = Licence.ETALAB_2
    url = factory.Sequence(lambda n: f"https://example.org/guide-{n}.pdf")
    published_on = datetime.date(2025, 3, 1)
