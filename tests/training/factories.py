"""Factories of the training catalogue (invented test data)."""

import datetime

import factory

from tests.places.factories import PlaceFactory
from tierslieux.core import clock
from tierslieux.training.models import Course, Session, SessionFormat


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Formation de test {n}")
    objectives = "Animer un tiers-lieu."
    audience = "Facilitateurs et facilitatrices."
    duration_hours = 14
    price_cents = 45000
    trainer = "Camille Formatrice"


class SessionFactory(factory.django.DjangoModelFactory):
    """A session in ten days, in an open published place, with ``seats`` seats."""

    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    place = factory.SubFactory(PlaceFactory)
    starts_at = factory.LazyFunction(lambda: clock.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=7))
    seats = 2
    format = SessionFormat.ON_SITE
