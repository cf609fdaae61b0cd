"""The iCalendar feed of sessions parses back with the ``icalendar`` package."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.places.factories import PlaceFactory, commune
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _events(client, query):
    response = client.get(reverse("training:session_calendar") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_per_place_and_per_departement(client):
    bordeaux = SessionFactory(course__title="A Bordeaux")
    limoges = SessionFactory(
        course__title="A Limoges", place=PlaceFactory(commune=commune("87085"))
    )
    events = _events(client, f"?place={bordeaux.place.pk}")
    assert set(events) == {"A Bordeaux"}
    event = events["A Bordeaux"]
    assert event.decoded("dtstart") == bordeaux.starts_at.replace(microsecond=0)
    assert event.decoded("dtend") == bordeaux.ends_at.replace(microsecond=0)
    assert str(event["uid"]).startswith(f"training-session-{bordeaux.pk}@")
    assert set(_events(client, "?departement=87")) == {"A Limoges"}
    assert set(_events(client, "")) == {"A Bordeaux", "A Limoges"}
    assert limoges.pk


def test_an_unknown_departement_is_a_404(client):
    assert client.get(reverse("training:session_calendar") + "?departement=99").status_code == 404
