"""Public premises on offer (issue 15): a few dozen buildings offered by real communes of the
region, most published (their match computed by the service), a few drafts and withdrawn;
holders of the current year's applications say they are interested in some, and one commune
accepts a project, which records its premises agreement and reserves the building.

Everything goes through the services of ``tierslieux.premises`` under the replay clock; the
offers have ``is_demo``, their titles, addresses and contacts end with " (démo)", and the
communes offering them are demo organisations with a demo authority account each.
"""

from __future__ import annotations

from decimal import Decimal

from tierslieux.accounts.models import OrganisationKind
from tierslieux.calls.models import Application
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.roles import Role
from tierslieux.demo.base import GeneratorBase
from tierslieux.demo.labels import DEMO_SUFFIX
from tierslieux.demo.names import de, plus
from tierslieux.demo.territory import CommuneInfo
from tierslieux.premises import services as premises
from tierslieux.premises import services_interest as interests
from tierslieux.premises.models import BuildingState
from tierslieux.premises.workflow import PremisesState
from tierslieux.territory.models import Commune

OFFERS = 30
"""How many buildings; 3 stay drafts and 2 are withdrawn, the others are published."""
DRAFTS = 3
WITHDRAWN = 2
INTERESTS = 6
"""Interests from the current year's applications, on the best-ranked published offers."""
BUILDINGS = (
    "Ancienne école",
    "Ancien presbytère",
    "Ancienne poste",
    "Ancienne gare",
    "Local commercial du centre-bourg",
    "Maison des associations",
    "Ancienne trésorerie",
    "Étage de la mairie",
    "Ancienne halle",
    "Ancien logement de fonction",
)
INTERESTED_STATES = (
    ApplicationState.DRAFT,
    ApplicationState.SUBMITTED,
    ApplicationState.UNDER_INSTRUCTION,
    ApplicationState.ACCEPTED,
)


class PremisesOffers(GeneratorBase):
    """Buildings offered by communes, and the first matches with projects."""

    def premises_offers(self, communes: list[CommuneInfo]) -> None:
        rng = self.rng
        white = self._free_white_zones(communes, 20.0)
        others = [c for c in communes if c not in set(white) and c.population >= 500]
        picked = rng.sample(white, min(len(white), OFFERS * 2 // 3))
        picked += rng.sample(others, min(len(others), OFFERS - len(picked)))
        picked.sort(key=lambda c: c.code)
        start = plus(self.today, -300)
        offers = []
        for i, info in enumerate(picked):
            organisation = self._organisation(f"Commune {de(info.name)}", OrganisationKind.COMMUNE)
            user = self._user(f"collectivite-{info.code}", [Role.AUTHORITY], organisation)
            day = plus(start, rng.randrange(0, 240))
            self.clock.step(day)
            surface = Decimal(rng.randrange(60, 600))
            reference = Decimal(rng.randrange(60, 130)) / 10
            offer = premises.premises_offer_create(
                values={
                    "title": f"{rng.choice(BUILDINGS)} {de(info.name)}{DEMO_SUFFIX}",
                    "commune": Commune.objects.get(code=info.code),
                    "address": f"{rng.randrange(1, 30)} place de la Mairie, {info.name}"
                    f"{DEMO_SUFFIX}",
                    "lon": None,
                    "lat": None,
                    "surface_m2": surface,
                    "rooms": rng.randrange(2, 12),
                    "building_state": rng.choice(BuildingState.values),
                    "rent_per_m2_month": (
                        reference * Decimal(rng.randrange(25, 80)) / 100
                    ).quantize(Decimal("0.01")),
                    "reference_rent_per_m2_month": reference,
                    "available_on": plus(day, rng.randrange(30, 360)),
                    "accessible": rng.random() < 0.6,
                    "fibre": rng.random() < 0.5,
                    "description": "Bâtiment communal vacant, proposé à un loyer modéré (démo).",
                    "contact_name": f"Secrétariat de mairie{DEMO_SUFFIX}",
                    "contact_email": f"patrimoine.{info.code}@example.org",
                },
                is_demo=True,
                by=user,
            )
            self.summary.premises_offers += 1
            if i < DRAFTS:
                continue
            self.clock.step(plus(day, rng.randrange(1, 20)))
            offer = premises.premises_offer_transition(
                offer=offer, to=PremisesState.PUBLISHED, by=user
            )
            if i < DRAFTS + WITHDRAWN:
                self.clock.step(plus(day, rng.randrange(25, 40)))
                premises.premises_offer_transition(
                    offer=offer,
                    to=PremisesState.WITHDRAWN,
                    by=user,
                    reason="Le conseil municipal a choisi un autre usage (démo).",
                )
                continue
            offers.append((offer, user))
        self._premises_interests(offers)

    def _premises_interests(self, offers: list) -> None:
        """Current-year applications interested in the offers that bring the most people;
        the first offer's commune accepts the first project."""
        rng = self.rng
        applications = list(
            Application.objects.filter(
                call__is_demo=True, call__year=self.today.year, state__in=INTERESTED_STATES
            )
            .select_related("created_by")
            .order_by("pk")
        )
        ranked = sorted(offers, key=lambda pair: (-(pair[0].inhabitants_brought or 0), pair[0].pk))
        if not applications or not ranked:
            return
        made = []
        for n in range(min(INTERESTS, len(applications))):
            application = applications[n]
            offer, authority = ranked[n % 2]  # two offers draw the interests
            day = max(application.created_at.date(), offer.updated_at.date())
            day = min(plus(day, rng.randrange(1, 15)), self.today)
            self.clock.step(day)
            made.append(
                (
                    interests.premises_interest_express(
                        offer=offer,
                        application=application,
                        message="Notre collectif cherche un lieu dans ce secteur (démo).",
                        by=application.created_by,
                        notify=False,
                    ),
                    authority,
                    day,
                )
            )
            self.summary.premises_interests += 1
        interest, authority, day = made[0]
        self.clock.step(min(plus(day, 10), self.today))
        interests.premises_interest_accept(interest=interest, by=authority, notify=False)
        self.summary.premises_agreements += 1
        self.summary.premises_accepted += 1
