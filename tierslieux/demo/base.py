"""The generator's state and its shared steps: the actors (the Région's instructor, the regional
network, the holders and their organisations), the calls, and the choice of communes and
project names."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from tierslieux.accounts.models import Organisation, User
from tierslieux.accounts.services import roles_ensure
from tierslieux.calls import services as calls
from tierslieux.calls.models import Application, Call, CallKind
from tierslieux.calls.workflow import ApplicationState
from tierslieux.core.roles import Role
from tierslieux.demo.labels import DEMO_SUFFIX, DEMO_USER_PREFIX
from tierslieux.demo.names import PROJECT_NAMES, date_of, de, new_siret, plus
from tierslieux.demo.replay import GainTable, ReplayClock
from tierslieux.demo.summary import DemoSummary
from tierslieux.demo.territory import CommuneInfo
from tierslieux.places.models import Place


@dataclass
class Project:
    """A project the generator follows from its application to its place."""

    application: Application
    holder: User
    organisation: Organisation
    commune: CommuneInfo
    name: str
    place: Place | None = None
    closes_on: datetime.date | None = None
    premises_authority: str = ""


class GeneratorBase:
    """The state the generator keeps, its actors and calls, and the steps every part uses."""

    def __init__(self, *, seed: int, from_year: int, to_year: int, today: datetime.date):
        self.seed = seed
        self.rng = random.Random(seed)
        self.from_year = from_year
        self.to_year = to_year
        self.today = today
        self.clock = ReplayClock()
        self.gain: GainTable | None = None
        self.model: Any = None
        self.summary = DemoSummary(years=(from_year, to_year), today=today)
        self.sirets = set(Organisation.objects.exclude(siret="").values_list("siret", flat=True))
        self.user_count = 0
        self.groups = {group.name: group for group in roles_ensure()}
        self.references: Counter = Counter()
        self.creation_projects: list[Project] = []
        self.developed: set[int] = set()
        self.taken_names: set[str] = set()
        self.aid_rules: dict[int, dict] = {}

    # --- actors ---

    def _user(self, slug: str, roles: list[Role], organisation: Organisation | None) -> User:
        self.user_count += 1
        user = User(username=f"{DEMO_USER_PREFIX}{slug}", organisation=organisation)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.add(*(self.groups[role.value] for role in roles))
        self.summary.users += 1
        return user

    def _organisation(self, name: str, kind: str, siret: str = "") -> Organisation:
        organisation = Organisation(name=name + DEMO_SUFFIX, kind=kind, siret=siret)
        organisation.full_clean()
        organisation.save()
        self.summary.organisations += 1
        return organisation

    def actors(self) -> None:
        self.clock.step(date_of(self.from_year, 1, 4))
        region = self._organisation("Région Nouvelle-Aquitaine — service tiers-lieux", "region")
        self.instructor = self._user("instructrice", [Role.INSTRUCTOR], region)
        self.instructor.first_name, self.instructor.last_name = "Camille", "Démo"
        self.instructor.save(update_fields=["first_name", "last_name"])
        self.network = self._organisation("Coopérative régionale des tiers-lieux", "network")
        self.network_user = self._user("reseau", [Role.NETWORK], self.network)

    def holder(self, project_name: str, commune: CommuneInfo) -> tuple[User, Organisation]:
        roll = self.rng.random()
        if roll < 0.6:
            name, kind = f"Association {project_name}", "association"
        elif roll < 0.8:
            name, kind = f"SCIC {project_name}", "company"
        elif roll < 0.9:
            name, kind = f"Commune {de(commune.name)}", "commune"
        else:
            name, kind = f"SAS {project_name}", "company"
        holder = self._user(f"porteur-{self.user_count + 1:04d}", [Role.HOLDER], None)
        organisation = calls.holder_organisation_register(
            name=name + DEMO_SUFFIX, kind=kind, siret=new_siret(self.rng, self.sirets), by=holder
        )
        self.summary.organisations += 1
        holder.refresh_from_db()
        return holder, organisation

    # --- calls ---

    def call(self, kind: str, year: int) -> Call:
        names = {
            CallKind.CREATION: f"AMI Création de tiers-lieux {year}",
            CallKind.DEVELOPMENT: f"AMI Développement de tiers-lieux {year}",
            CallKind.LOCAL_NETWORK: f"AMI Réseaux locaux de tiers-lieux {year}",
        }
        windows = {
            CallKind.CREATION: ((1, 15), (4, 15), 100_000_000),
            CallKind.DEVELOPMENT: ((3, 1), (5, 31), 55_000_000),
            CallKind.LOCAL_NETWORK: ((4, 1), (6, 15), 15_000_000),
        }
        (om, od), (cm, cd), budget = windows[kind]
        opens_on = date_of(year, om, od)
        self.clock.step(plus(opens_on, -20))
        call = calls.call_create(
            name=names[kind] + DEMO_SUFFIX,
            kind=kind,
            year=year,
            opens_on=opens_on,
            closes_on=date_of(year, cm, cd),
            budget_cents=budget,
            description=(
                "Appel de démonstration : données inventées pour essayer le produit "
                "(générateur demo_records)."
            ),
            is_demo=True,
            by=self.instructor,
        )
        self.summary.calls += 1
        return call

    def committee_on(self, call: Call) -> datetime.date:
        # The Commission permanente meets about two months after the call closes.
        return plus(call.closes_on, 60 + self.rng.randrange(0, 21))

    # --- shared by the years ---

    def _count(self, application: Application | None) -> None:
        if application is None:
            return
        self.summary.applications += 1
        self.summary.states[application.state] += 1
        if application.state == ApplicationState.ACCEPTED:
            self.summary.committed_cents += application.decision.granted_cents

    def _free_white_zones(self, communes: list[CommuneInfo], threshold: float) -> list[CommuneInfo]:
        """White-zone communes not within the threshold of a place funded before."""
        funded = np.array(
            [(p.commune.lon, p.commune.lat) for p in self.creation_projects], dtype=np.float64
        ).reshape(-1, 2)
        candidates = [c for c in communes if c.minutes > threshold + 1 and c.gain > 0]
        if not len(funded) or not candidates:
            return candidates
        lon = np.array([c.lon for c in candidates])
        lat = np.array([c.lat for c in candidates])
        minutes = self.model.minutes_to_nearest(lon, lat, funded[:, 0], funded[:, 1]).minutes
        return [c for c, m in zip(candidates, minutes, strict=True) if m > threshold]

    def _project_name(self, commune: CommuneInfo) -> str:
        for _attempt in range(50):
            name = f"{self.rng.choice(PROJECT_NAMES)} {de(commune.name)}"
            if name not in self.taken_names:
                break
        self.taken_names.add(name)
        return name
