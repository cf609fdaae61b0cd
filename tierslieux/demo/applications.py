"""One application, from the draft to the committee's decision, through the calls' services:
its content, answers and financing plan, its submission (the mesh figures computed on the
simulated day), its instruction, the network's opinion, a request for changes now and then,
the amount proposed and the decision."""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from tierslieux.accounts.models import Organisation, User
from tierslieux.calls import rules as call_rules
from tierslieux.calls import services as calls
from tierslieux.calls.models import (
    Application,
    Call,
    CallKind,
    CoFinancer,
    OpinionVerdict,
    PartnerKind,
)
from tierslieux.calls.workflow import ApplicationState
from tierslieux.demo.base import GeneratorBase
from tierslieux.demo.labels import DEMO_REFERENCE_PREFIX, DEMO_SUFFIX
from tierslieux.demo.names import (
    EXPENSES,
    REJECTION_REASONS,
    plus,
)
from tierslieux.demo.policy import (
    CHANGES_REQUESTED_SHARE,
    WITHDRAWN_SHARE,
)
from tierslieux.demo.territory import CommuneInfo
from tierslieux.places.models import (
    Place,
)
from tierslieux.territory.models import Commune


class ApplicationSteps(GeneratorBase):
    """One application, from its draft to the committee's decision."""

    def _aid_rules(self, call: Call) -> dict:
        """The call's aid rules, read once per call (they do not change while replaying)."""
        if call.pk not in self.aid_rules:
            self.aid_rules[call.pk] = calls.call_aid_rules(call)
        return self.aid_rules[call.pk]

    def _plan(self, profile: str, call: Call) -> tuple[list, list, int]:
        rng = self.rng
        if call.kind == CallKind.LOCAL_NETWORK:
            total = rng.randrange(40, 120) * 1000
        elif call.kind == CallKind.DEVELOPMENT:
            total = rng.randrange(80, 300) * 1000
        else:
            total = int(rng.lognormvariate(math.log(125_000), 0.4)) // 1000 * 1000
            total = min(max(total, 60_000), 420_000)
        expenses = []
        for label, share in EXPENSES:
            expenses.append(calls.ExpenseInput(label, int(total * share) * 100))
        expenses[-1] = calls.ExpenseInput(
            expenses[-1].label, (total * 100) - sum(e.amount_cents for e in expenses[:-1])
        )
        if rng.random() < 0.3:
            expenses.append(
                calls.ExpenseInput(
                    "Frais de fonctionnement courant", rng.randrange(2, 8) * 100_000, False
                )
            )
        total_cents = sum(e.amount_cents for e in expenses)
        eligible = sum(e.amount_cents for e in expenses if e.is_eligible)
        region = call_rules.aid_suggestion(eligible, profile, self._aid_rules(call))
        if rng.random() < 0.2:  # some ask a little less than the maximum
            region = region * rng.randrange(80, 100) // 100 // 100 * 100
        resources = [calls.ResourceInput(CoFinancer.REGION, region, "AMI tiers-lieux", True)]
        rest = total_cents - region
        others = rng.sample(
            [
                (CoFinancer.STATE, "DETR / Fabriques de territoire"),
                (CoFinancer.DEPARTEMENT, "Aide départementale"),
                (CoFinancer.EPCI, "Communauté de communes"),
                (CoFinancer.COMMUNE, "Commune"),
                (CoFinancer.EUROPE, "LEADER"),
                (CoFinancer.FRANCE_ACTIVE, "Prêt d'honneur"),
            ],
            k=rng.randrange(2, 4),
        )
        own = rest * rng.randrange(8, 20) // 100
        share = (rest - own) // len(others)
        for financer, label in others:
            resources.append(
                calls.ResourceInput(financer, share, label, is_secured=rng.random() < 0.6)
            )
        resources.append(
            calls.ResourceInput(
                CoFinancer.OWN_FUNDS, rest - share * len(others), "Fonds propres", True
            )
        )
        return expenses, resources, region

    def _draft(
        self,
        call: Call,
        *,
        commune: CommuneInfo,
        title: str,
        holder: User,
        place: Place | None = None,
        premises_authority: str = "",
        complete: bool = True,
    ) -> Application:
        """A draft on the clock's day: its content, answers to the criteria and financing
        plan (only the first answers and no plan when not ``complete``)."""
        rng = self.rng
        application = calls.application_create(
            call=call,
            title=title + DEMO_SUFFIX,
            by=holder,
            commune=Commune.objects.get(pk=commune.code),
            place=place,
            address="",
            summary=(
                f"Projet de démonstration : {title}, un tiers-lieu ouvert à tous à "
                f"{commune.name}, avec espace de travail partagé et services aux habitants."
            ),
            collective=(
                f"Un collectif de {rng.randrange(6, 30)} habitants, indépendants et "
                f"associations, accompagné par le réseau régional."
            ),
            governance=rng.choice(
                (
                    "Association collégiale avec un collège des usagers.",
                    "SCIC réunissant usagers, salariés et collectivités.",
                    "Association de préfiguration, passage en SCIC envisagé.",
                )
            ),
            service_offer=(
                "Coworking à l'heure, à la journée et au mois ; salle de réunion ; "
                "ateliers et permanences."
            ),
            business_model="Abonnements, location de salles, prestations et formations.",
            premises=f"Locaux de {rng.randrange(80, 400)} m² en centre-bourg.",
            premises_lent_by_authority=bool(premises_authority),
            premises_authority=premises_authority,
            timeline="Ouverture prévue dans l'année suivant la décision.",
            staff_fte=Decimal(rng.choice(("0.5", "0.8", "1.0", "1.5", "2.0"))),
        )
        criteria = list(call.criteria.all())
        for criterion in criteria if complete else criteria[:2]:
            calls.application_answer_set(
                application=application,
                criterion=criterion,
                text=f"Réponse du porteur (démo) au critère « {criterion.name} ».",
                by=holder,
            )
        if not complete:
            return application
        profile = call_rules.profile_for_density_level(commune.density_level)
        expenses, resources, _region = self._plan(profile, call)
        calls.financing_plan_set(
            application=application, expenses=expenses, resources=resources, by=holder
        )
        return application

    def application(
        self,
        call: Call,
        *,
        commune: CommuneInfo,
        title: str,
        holder: User,
        organisation: Organisation,
        accept: bool,
        committee_on: datetime.date,
        place: Place | None = None,
        premises_authority: str = "",
    ) -> Application | None:
        rng = self.rng
        started = plus(call.opens_on, rng.randrange(0, 40))
        if started > self.today:
            return None
        self.clock.step(started)
        application = self._draft(
            call,
            commune=commune,
            title=title,
            holder=holder,
            place=place,
            premises_authority=premises_authority,
        )
        submitted = min(plus(started, rng.randrange(10, 45)), call.closes_on)
        if submitted > self.today:
            return application
        self.clock.step(submitted)
        calls.application_submit(
            application=application, by=holder, notify=False, mesh_gain=self.gain
        )
        instructed = plus(max(submitted, call.closes_on), rng.randrange(3, 15))
        if instructed > self.today:
            return application
        self.clock.step(instructed)
        application = calls.application_transition(
            application=application,
            to=ApplicationState.UNDER_INSTRUCTION,
            by=self.instructor,
            notify=False,
        )
        if call.kind == CallKind.CREATION:
            calls.opinion_request(
                application=application,
                organisation=self.network,
                partner_kind=PartnerKind.NETWORK,
                due_on=plus(committee_on, -21),
                by=self.instructor,
                question="Avis du réseau régional sur le projet (démo).",
            )
        if rng.random() < CHANGES_REQUESTED_SHARE:
            asked = plus(instructed, rng.randrange(5, 15))
            self.clock.step(asked)
            application = calls.application_transition(
                application=application,
                to=ApplicationState.CHANGES_REQUESTED,
                by=self.instructor,
                reason="Merci de préciser les cofinancements et la gouvernance (démo).",
                notify=False,
            )
            self.clock.step(plus(asked, rng.randrange(7, 20)))
            application = calls.application_submit(
                application=application,
                by=holder,
                reason="Plan de financement précisé.",
                notify=False,
                mesh_gain=self.gain,
            )
            self.clock.step(plus(asked, 22))
            application = calls.application_transition(
                application=application,
                to=ApplicationState.UNDER_INSTRUCTION,
                by=self.instructor,
                notify=False,
            )
        if rng.random() < WITHDRAWN_SHARE:
            self.clock.step(plus(instructed, rng.randrange(10, 30)))
            application = calls.application_transition(
                application=application,
                to=ApplicationState.WITHDRAWN,
                by=holder,
                reason="Le collectif reporte son projet (démo).",
                notify=False,
            )
            return application
        opinion_day = plus(committee_on, -rng.randrange(25, 40))
        if opinion_day <= self.today and call.kind == CallKind.CREATION:
            self.clock.step(opinion_day)
            opinion = application.opinions.get()
            calls.opinion_give(
                opinion=opinion,
                verdict=OpinionVerdict.FAVOURABLE
                if accept
                else rng.choice((OpinionVerdict.RESERVED, OpinionVerdict.UNFAVOURABLE)),
                text="Avis du réseau régional (démo).",
                by=self.network_user,
            )
        assessed = plus(committee_on, -rng.randrange(12, 20))
        if assessed > self.today:
            return application
        self.clock.step(assessed)
        application = calls.application_amount_set(
            application=application, by=self.instructor, profile=None
        )
        application = calls.application_transition(
            application=application, to=ApplicationState.PROPOSED, by=self.instructor, notify=False
        )
        if committee_on > self.today:
            return application
        self.clock.step(committee_on)
        kind_code = {"creation": "C", "development": "D", "local_network": "R"}[call.kind]
        self.references[(call.year, kind_code)] += 1
        reference = (
            f"{DEMO_REFERENCE_PREFIX}-CP-{call.year}-{kind_code}"
            f"{self.references[(call.year, kind_code)]:03d}"
        )
        if accept:
            try:
                calls.application_decide(
                    application=application,
                    accepted=True,
                    committee_on=committee_on,
                    reference=reference,
                    by=self.instructor,
                    notify=False,
                )
            except calls.BudgetExceeded:
                accept = False
        if not accept:
            calls.application_decide(
                application=application,
                accepted=False,
                committee_on=committee_on,
                reference=reference,
                reason=rng.choice(REJECTION_REASONS),
                by=self.instructor,
                notify=False,
            )
        application.refresh_from_db()
        return application
