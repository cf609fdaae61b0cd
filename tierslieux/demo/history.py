"""A year of calls: the creation call every year, the development call once places are three
years old, the local-network call some years, each followed by its project review."""

from __future__ import annotations

import datetime
import math

from tierslieux.calls import rules as call_rules
from tierslieux.calls import services as calls
from tierslieux.calls.models import (
    Call,
    CallKind,
    OpinionVerdict,
)
from tierslieux.calls.workflow import ApplicationState
from tierslieux.demo.applications import ApplicationSteps
from tierslieux.demo.base import Project
from tierslieux.demo.conventions import ConventionSteps
from tierslieux.demo.names import (
    date_of,
    de,
    plus,
)
from tierslieux.demo.openings import PlaceOpenings
from tierslieux.demo.policy import (
    ACCEPT_SHARE,
    CREATION_APPLICATIONS,
    DEVELOPMENT_APPLICATIONS,
    LOCAL_NETWORK_APPLICATIONS,
)
from tierslieux.demo.territory import CommuneInfo


class YearsOfCalls(ApplicationSteps, ConventionSteps, PlaceOpenings):
    """The calls of each year, with their applications and project reviews."""

    def creation_year(self, year: int, communes: list[CommuneInfo]) -> None:
        rng = self.rng
        call = self.call(CallKind.CREATION, year)
        threshold = float(call.carence_minutes)
        committee_on = self.committee_on(call)
        free = self._free_white_zones(communes, threshold)
        n = min(rng.randint(*CREATION_APPLICATIONS), len(free))
        chosen: list[CommuneInfo] = []
        pool = list(free)
        while len(chosen) < n and pool:
            weights = [math.sqrt(c.gain) for c in pool]
            pick = rng.choices(range(len(pool)), weights=weights)[0]
            chosen.append(pool.pop(pick))
        for commune in chosen:
            name = self._project_name(commune)
            holder, organisation = self.holder(name, commune)
            authority = f"Commune {de(commune.name)}" if rng.random() < 0.3 else ""
            accept = rng.random() < ACCEPT_SHARE[CallKind.CREATION]
            application = self.application(
                call,
                commune=commune,
                title=name,
                holder=holder,
                organisation=organisation,
                accept=accept,
                committee_on=committee_on,
                premises_authority=authority,
            )
            self._count(application)
            if application is None or application.state != ApplicationState.ACCEPTED:
                continue
            project = Project(application, holder, organisation, commune, name)
            project.premises_authority = authority
            self.creation_projects.append(project)
            self.place(project, committee_on)
            self.agreement(application, project.closes_on)
        self._review(call, committee_on)

    def development_year(self, year: int) -> None:
        rng = self.rng
        opens_on = date_of(year, 3, 1)
        eligible = [
            p
            for p in self.creation_projects
            if p.place is not None
            and p.place.opened_on is not None
            and p.closes_on is None
            and p.place.pk not in self.developed
            and call_rules.years_between(p.place.opened_on, opens_on) >= 3
        ]
        if len(eligible) < 2:
            return
        call = self.call(CallKind.DEVELOPMENT, year)
        committee_on = self.committee_on(call)
        n = min(rng.randint(*DEVELOPMENT_APPLICATIONS), len(eligible))
        for project in rng.sample(eligible, n):
            accept = rng.random() < ACCEPT_SHARE[CallKind.DEVELOPMENT]
            application = self.application(
                call,
                commune=project.commune,
                title=f"Développement — {project.name}",
                holder=project.holder,
                organisation=project.organisation,
                accept=accept,
                committee_on=committee_on,
                place=project.place,
            )
            self._count(application)
            if application is not None and application.state == ApplicationState.ACCEPTED:
                self.developed.add(project.place.pk)
                self.agreement(application, project.closes_on)
        self._review(call, committee_on)

    def local_network_year(self, year: int, communes: list[CommuneInfo]) -> None:
        rng = self.rng
        call = self.call(CallKind.LOCAL_NETWORK, year)
        committee_on = self.committee_on(call)
        towns = [c for c in communes if c.population >= 3000]
        for commune in rng.sample(towns, min(rng.randint(*LOCAL_NETWORK_APPLICATIONS), len(towns))):
            name = f"Réseau local des tiers-lieux {de(commune.name)}"
            holder, organisation = self.holder(name, commune)
            application = self.application(
                call,
                commune=commune,
                title=name,
                holder=holder,
                organisation=organisation,
                accept=rng.random() < ACCEPT_SHARE[CallKind.LOCAL_NETWORK],
                committee_on=committee_on,
            )
            self._count(application)
            if application is not None and application.state == ApplicationState.ACCEPTED:
                self.agreement(application, None)
        self._review(call, committee_on)

    def _review(self, call: Call, committee_on: datetime.date) -> None:
        """The project review with the regional network a few weeks before the committee."""
        held_on = plus(committee_on, -30)
        discussed = list(
            call.applications.exclude(
                state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN]
            ).order_by("pk")
        )
        if held_on > self.today or not discussed:
            return
        self.clock.step(held_on)
        review = calls.project_review_create(
            held_on=held_on,
            applications=discussed,
            call=call,
            notes="Revue de projets Région / réseau régional (démo).",
            by=self.instructor,
        )
        for item in review.items.select_related("application__decision").order_by("pk"):
            accepted = item.application.state == ApplicationState.ACCEPTED
            calls.project_review_view_record(
                item=item,
                network_view="Projet suivi par le réseau (démo).",
                recommendation=OpinionVerdict.FAVOURABLE if accepted else OpinionVerdict.RESERVED,
                by=self.network_user,
            )
