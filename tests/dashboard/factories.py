"""Factories of the evaluation records, and small builders of hand-made territories (invented
test data): a département "99" of three communes with known populations and density levels."""

import datetime

import factory

from tests.accounts.factories import OrganisationFactory
from tierslieux.dashboard.models import GrantLine, OtherGrant
from tierslieux.territory.models import Commune, Departement

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[0.0, 45.0], [0.01, 45.0], [0.01, 45.01], [0.0, 45.0]]],
}


class OtherGrantFactory(factory.django.DjangoModelFactory):
    """The yearly support to the regional network: 100,000 € committed, nothing paid yet."""

    class Meta:
        model = OtherGrant

    line = GrantLine.REGIONAL_NETWORK
    beneficiary = factory.SubFactory(OrganisationFactory, name="La Coopérative Tiers-Lieux")
    label = factory.Sequence(lambda n: f"Soutien au fonctionnement {n}")
    year = 2020
    committed_on = factory.LazyAttribute(lambda g: datetime.date(g.year, 3, 1))
    committed_cents = 10_000_000
    paid_cents = 0
    paid_on = None


def departement_make(code: str = "99", name: str = "Département de test") -> Departement:
    return Departement.objects.create(code=code, name=name, region_code="75")


def commune_make(
    code: str, *, population: int, density_level: int, departement: Departement
) -> Commune:
    """A commune far from the real ones (no 1 km cell: its coverage population is 0)."""
    return Commune.objects.create(
        code=code,
        name=f"Commune {code}",
        departement=departement,
        population=population,
        population_2021=population,
        density_level=density_level,
        postal_codes=["99000"],
        lon=0.005,
        lat=45.005,
        geometry=SQUARE,
    )


def territory_make() -> dict[str, Commune]:
    """Département 99: an urban commune of 1,000 inhabitants (level 2), a rural one of 2,000
    (level 6), a rural one of 3,000 (level 7): 6,000 inhabitants."""
    dep = departement_make()
    return {
        "urban": commune_make("99001", population=1000, density_level=2, departement=dep),
        "rural": commune_make("99002", population=2000, density_level=6, departement=dep),
        "far": commune_make("99003", population=3000, density_level=7, departement=dep),
    }
