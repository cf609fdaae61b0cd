"""The places the funded creation projects open (unpublished demo places in their commune), a
few of which close."""

from __future__ import annotations

import datetime
from decimal import Decimal

from tierslieux.calls.models import (
    Application,
)
from tierslieux.demo.base import GeneratorBase, Project
from tierslieux.demo.labels import DEMO_PLACE_SOURCE, DEMO_SUFFIX
from tierslieux.demo.names import (
    plus,
)
from tierslieux.demo.policy import (
    CLOSURE_SHARE,
)
from tierslieux.places.models import (
    LegalForm,
    LocationPrecision,
    Occupancy,
    Place,
    PlaceKind,
    PlaceService,
    PlaceState,
)


class PlaceOpenings(GeneratorBase):
    """The places the funded creation projects open."""

    def place(self, project: Project, committee_on: datetime.date) -> Place:
        rng = self.rng
        commune = project.commune
        opened_on = plus(committee_on, rng.randrange(180, 366))
        closes_on = None
        if rng.random() < CLOSURE_SHARE:
            closes_on = plus(committee_on, rng.randrange(2 * 365, 5 * 365))
            closes_on = max(closes_on, plus(opened_on, 180))
        if opened_on > self.today:
            state, opened, closed = PlaceState.PROJECT, None, None
        elif closes_on is not None and closes_on <= self.today:
            state, opened, closed = PlaceState.CLOSED, opened_on, closes_on
        else:
            state, opened, closed = PlaceState.OPEN, opened_on, None
        kinds = [rng.choices([k.value for k in PlaceKind], weights=[40, 10, 8, 3, 8, 6, 25])[0]]
        if rng.random() < 0.3:
            kinds.append(PlaceKind.COWORKING.value if kinds[0] != "coworking" else "fablab")
        services = (
            sorted(rng.sample([s.value for s in PlaceService], rng.randint(1, 5)))
            if rng.random() < 0.97
            else []
        )
        lent = bool(project.premises_authority)
        place = Place(
            name=project.name + DEMO_SUFFIX,
            description=(
                "Tiers-lieu de démonstration (données inventées) : espace de travail partagé "
                "et services aux habitants."
            ),
            kinds=kinds,
            services=services,
            state=state,
            project_since=committee_on,
            opened_on=opened,
            closed_on=closed,
            address="",
            postcode=commune.postcode,
            city=commune.name,
            commune_id=commune.code,
            lon=commune.lon,
            lat=commune.lat,
            location_precision=LocationPrecision.COMMUNE,
            legal_form=rng.choice(
                [LegalForm.ASSOCIATION] * 5 + [LegalForm.SCIC] * 2 + [LegalForm.COMMUNE]
            ),
            occupancy=Occupancy.LENT_BY_AUTHORITY
            if lent
            else rng.choice((Occupancy.RENTED, Occupancy.OWNER, Occupancy.RENTED)),
            surface_m2=rng.randrange(80, 400, 10),
            workstations=rng.randrange(6, 30),
            staff_fte=Decimal(rng.choice(("0.5", "0.8", "1.0", "1.5", "2.0", "2.5"))),
            fibre_access=rng.random() < 0.8,
            pmr_accessible=rng.random() < 0.85,
            source=DEMO_PLACE_SOURCE,
            source_date=committee_on,
            is_published=False,
        )
        # "demo" is the marker of demo places (see the module docstring); not a source choice.
        place.full_clean()
        place.save()
        # The place this creation project opened: the dashboard follows funded places here.
        Application.objects.filter(pk=project.application.pk).update(place=place)
        project.place = place
        project.closes_on = closes_on
        self.summary.places_created += 1
        self.summary.places_open += state == PlaceState.OPEN
        self.summary.places_closed += state == PlaceState.CLOSED
        return place
