"""Factories of the yearly survey (invented test data)."""

import datetime
import secrets

import factory
from django.utils import timezone

from tests.places.factories import PlaceFactory
from tierslieux.surveys.models import (
    BusinessModelConfidence,
    GovernanceKind,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    TurnoverRange,
    token_hash,
)


class SurveyFactory(factory.django.DjangoModelFactory):
    """This year's survey, open since ten days and for thirty more."""

    class Meta:
        model = Survey
        django_get_or_create = ("year",)

    year = factory.LazyFunction(lambda: timezone.localdate().year)
    title = factory.LazyAttribute(lambda s: f"Panorama des tiers-lieux {s.year}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))

    class Params:
        closed = factory.Trait(
            opens_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(60)),
            closes_on=factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(1)),
        )
        future = factory.Trait(
            opens_on=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(5)),
            closes_on=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(40)),
        )


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation sent by e-mail; ``raw_token`` (not a field) is the link's token."""

    class Meta:
        model = SurveyInvitation
        exclude = ("raw_token",)

    survey = factory.SubFactory(SurveyFactory)
    place = factory.SubFactory(PlaceFactory, email=factory.Sequence(lambda n: f"lieu{n}@ex.org"))
    email = factory.LazyAttribute(lambda i: i.place.email)
    raw_token = factory.Sequence(lambda n: f"test-token-{n:04d}-abcdefghijklmnopqrstuvwxyz")
    token_hash = factory.LazyAttribute(lambda i: token_hash(i.raw_token))
    sent_at = factory.LazyFunction(timezone.now)


def invitation_with_token(**kwargs) -> tuple[SurveyInvitation, str]:
    """An invitation and the raw token of its link."""
    raw = kwargs.pop("raw_token", None) or secrets.token_urlsafe(32)
    return InvitationFactory(raw_token=raw, **kwargs), raw


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    invitation = factory.SubFactory(InvitationFactory)
    survey = factory.LazyAttribute(lambda r: r.invitation.survey)
    place = factory.LazyAttribute(lambda r: r.invitation.place)
    submitted_at = factory.LazyFunction(timezone.now)
    users_per_week = 40
    jobs_hosted = 5
    turnover_range = TurnoverRange.FROM_10K_TO_50K
    business_model_confidence = BusinessModelConfidence.FAIRLY_CONFIDENT
    services = factory.LazyFunction(lambda: ["cafe", "meeting_rooms"])
    governance = GovernanceKind.ASSOCIATION


def answer_data(**overrides) -> dict:
    """Valid answers, as the questionnaire's cleaned data."""
    data = {
        "users_per_week": 35,
        "jobs_hosted": 4,
        "turnover_range": "10k_50k",
        "business_model_confidence": "unsure",
        "services": ["cafe", "training"],
        "governance": "scic",
        "comments": "",
        "respondent_name": "Camille",
    }
    data.update(overrides)
    return data


def answer_post(**overrides) -> dict:
    """Valid answers, as the questionnaire's POST data."""
    data = answer_data(**overrides)
    return {k: v for k, v in data.items() if v is not None}
