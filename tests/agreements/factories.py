"""Factories of agreements (invented test data), built on the accepted applications of
``tests.calls.factories``. States are set directly; the services are exercised in the tests."""

import datetime

import factory
from django.utils import timezone

from tests.accounts.factories import OrganisationFactory
from tests.calls.factories import ApplicationFactory
from tests.places.factories import PlaceFactory
from tierslieux.agreements import rules
from tierslieux.agreements.models import (
    Agreement,
    AgreementIndicator,
    IndicatorKind,
    JournalEntry,
    JournalKind,
    Milestone,
    PaymentTranche,
    PremisesAgreement,
    ProjectStage,
    TrancheState,
)
from tierslieux.agreements.workflow import AgreementState


def today() -> datetime.date:
    return timezone.localdate()


class AgreementFactory(factory.django.DjangoModelFactory):
    """A draft agreement of an accepted application (grant 30,000 €), one year from today, with
    its three meetings and the default schedule (30 % / 40 % / 30 %)."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, accepted=True)
    parties = "La Région Nouvelle-Aquitaine et le porteur"
    object = factory.LazyAttribute(lambda a: a.application.title)
    amount_cents = factory.LazyAttribute(lambda a: a.application.decision.granted_cents)
    starts_on = factory.LazyFunction(today)
    ends_on = factory.LazyAttribute(lambda a: a.starts_on + datetime.timedelta(days=365))
    state = AgreementState.DRAFT

    class Params:
        signed = factory.Trait(
            state=AgreementState.SIGNED, signed_on=factory.SelfAttribute("starts_on")
        )

    @factory.post_generation
    def plan(self, create, extracted, **kwargs):
        if not create:
            return
        for kind, planned_on in rules.milestone_dates(self.starts_on, self.ends_on).items():
            Milestone.objects.create(agreement=self, kind=kind, planned_on=planned_on)
        for order, spec in enumerate(rules.default_schedule(self.amount_cents), 1):
            PaymentTranche.objects.create(
                agreement=self,
                order=order,
                label=spec.label,
                amount_cents=spec.amount_cents,
                depends_on=spec.depends_on,
                state=(
                    TrancheState.PAYABLE
                    if self.state == AgreementState.SIGNED and not spec.depends_on
                    else TrancheState.SCHEDULED
                ),
            )


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementIndicator

    agreement = factory.SubFactory(AgreementFactory)
    kind = IndicatorKind.QUANTITATIVE
    label = factory.Sequence(lambda n: f"Indicateur {n}")
    unit = "abonnés"
    baseline_value = 0
    target_value = 40

    class Params:
        qualitative = factory.Trait(
            kind=IndicatorKind.QUALITATIVE,
            unit="",
            baseline_value=None,
            target_value=None,
            baseline_text="Gouvernance informelle",
            target_text="Gouvernance partagée (SCIC)",
        )


class AuthorityFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Commune {n}")
    kind = "commune"


class PremisesAgreementFactory(factory.django.DjangoModelFactory):
    """100 m² lent at 3,000 €/year (30 €/m²) against a market reference of 60 €/m²."""

    class Meta:
        model = PremisesAgreement

    authority = factory.SubFactory(AuthorityFactory)
    place = factory.SubFactory(PlaceFactory)
    address = "1 place de la Mairie"
    surface_m2 = 100
    yearly_rent_cents = 300_000
    reference_rent_per_m2_cents = 6_000
    starts_on = factory.LazyFunction(lambda: today() - datetime.timedelta(days=300))
    duration_months = 36
    renewal_on = factory.LazyAttribute(lambda p: rules.add_months(p.starts_on, p.duration_months))


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    project_label = factory.Sequence(lambda n: f"Projet émergent {n}")
    stage = ProjectStage.IDEA
    kind = JournalKind.CONTACT
    happened_on = factory.LazyFunction(today)
    notes = "Premier contact."
