"""Factories of the calls (invented test data). States are set directly: the transitions
themselves are exercised through the services in the tests."""

import datetime

import factory
from django.utils import timezone

from tests.accounts.factories import OrganisationFactory, UserFactory
from tierslieux.calls import rules
from tierslieux.calls.models import (
    Application,
    Call,
    CallAidRule,
    CallCriterion,
    CallKind,
    CoFinancer,
    CriterionAnswer,
    Decision,
    ExpenseLine,
    Opinion,
    PartnerKind,
    ResourceLine,
)
from tierslieux.calls.workflow import ApplicationState
from tierslieux.territory.models import Commune


def luhn_digit(digits: str) -> str:
    """The digit that makes ``digits + digit`` pass the Luhn checksum."""
    for d in "0123456789":
        if rules.luhn_is_valid(digits + d):
            return d
    raise AssertionError


def valid_siret(n: int) -> str:
    siren = f"{n % 10**8:08d}"
    siren += luhn_digit(siren)
    head = siren + f"{n % 10**4:04d}"
    return head + luhn_digit(head)


class HolderOrganisationFactory(OrganisationFactory):
    siret = factory.Sequence(lambda n: valid_siret(10_000 + n))


def holder_user(organisation=None, **kwargs):
    """A project holder with an organisation (a new one unless given)."""
    return UserFactory(
        holder=True, organisation=organisation or HolderOrganisationFactory(), **kwargs
    )


class CallFactory(factory.django.DjangoModelFactory):
    """An open call with the policy's five criteria and the 2022-2024 aid rules."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"AMI de test {n}")
    kind = CallKind.TELEWORK
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    budget_cents = 100_000_000  # 1,000,000 €

    class Params:
        creation = factory.Trait(kind=CallKind.CREATION)
        development = factory.Trait(kind=CallKind.DEVELOPMENT)
        closed = factory.Trait(
            opens_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(60)),
            closes_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(1)),
        )

    @factory.post_generation
    def defaults(self, create, extracted, **kwargs):
        if not create:
            return
        for order, c in enumerate(rules.DEFAULT_CRITERIA, 1):
            CallCriterion.objects.create(
                call=self, code=c.code, name=str(c.name), order=order, scale_max=c.scale_max
            )
        for profile, rule in rules.DEFAULT_AID_RULES.items():
            CallAidRule.objects.create(
                call=self, profile=profile, rate=rule.rate, cap_cents=rule.cap_cents
            )


def commune(code: str) -> Commune:
    return Commune.objects.get(code=code)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A complete draft (every field, answers, a balanced plan) in Périgueux unless told."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    call = factory.SubFactory(CallFactory)
    organisation = factory.SubFactory(HolderOrganisationFactory)
    title = factory.Sequence(lambda n: f"Projet de tiers-lieu {n}")
    commune = factory.LazyFunction(lambda: commune("24322"))
    summary = "Un tiers-lieu inventé pour les tests."
    collective = "Douze habitants et deux associations."
    governance = "Association collégiale."
    service_offer = "Coworking, atelier, café associatif."
    business_model = "Abonnements, location de salles, prestations."
    premises = "Ancienne école, 300 m²."
    premises_lent_by_authority = True
    premises_authority = "Commune"
    timeline = "Ouverture dans six mois."
    state = ApplicationState.DRAFT

    class Params:
        submitted = factory.Trait(
            state=ApplicationState.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        under_instruction = factory.Trait(
            state=ApplicationState.UNDER_INSTRUCTION,
            submitted_at=factory.LazyFunction(timezone.now),
        )
        changes_requested = factory.Trait(state=ApplicationState.CHANGES_REQUESTED)
        proposed = factory.Trait(
            state=ApplicationState.PROPOSED,
            suggested_cents=3_000_000,
            proposed_cents=3_000_000,
            vulnerability_profile="standard",
        )
        accepted = factory.Trait(
            state=ApplicationState.ACCEPTED,
            suggested_cents=3_000_000,
            proposed_cents=3_000_000,
            decision=factory.RelatedFactory(
                "tests.calls.factories.DecisionFactory", factory_related_name="application"
            ),
        )
        rejected = factory.Trait(state=ApplicationState.REJECTED)
        withdrawn = factory.Trait(state=ApplicationState.WITHDRAWN)

    @factory.post_generation
    def complete(self, create, extracted, **kwargs):
        """Answers to every criterion and a balanced plan (``complete=False`` to skip)."""
        if not create or extracted is False:
            return
        for criterion in self.call.criteria.all():
            CriterionAnswer.objects.create(application=self, criterion=criterion, text="Oui.")
        ExpenseLine.objects.create(application=self, label="Travaux", amount_cents=8_000_000)
        ExpenseLine.objects.create(application=self, label="Mobilier", amount_cents=2_000_000)
        ResourceLine.objects.create(
            application=self, financer=CoFinancer.REGION, amount_cents=3_000_000
        )
        ResourceLine.objects.create(
            application=self, financer=CoFinancer.DEPARTEMENT, amount_cents=2_000_000
        )
        ResourceLine.objects.create(
            application=self, financer=CoFinancer.OWN_FUNDS, amount_cents=5_000_000
        )


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    application = factory.SubFactory(
        ApplicationFactory,
        state=ApplicationState.ACCEPTED,
        suggested_cents=3_000_000,
        proposed_cents=3_000_000,
    )
    accepted = True
    granted_cents = 3_000_000
    committee_on = factory.LazyFunction(timezone.localdate)
    reference = factory.Sequence(lambda n: f"CP-{n}")


class OpinionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opinion

    application = factory.SubFactory(ApplicationFactory, under_instruction=True)
    partner_kind = PartnerKind.DEPARTEMENT
    organisation = factory.SubFactory(OrganisationFactory, kind="departement")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=15))
