"""The bad inputs of issue 16's "Done when", through the pages where the service tests do not
already go: moving a session to a closed place, lowering its seats below the registrations
taken. Each a clear message, nothing changed."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.training.factories import SessionFactory
from tierslieux.training import services

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _form(session, **changes):
    data = {
        "course": session.course.pk,
        "place": session.place.pk,
        "starts_at": session.starts_at.strftime("%Y-%m-%d %H:%M"),
        "ends_at": session.ends_at.strftime("%Y-%m-%d %H:%M"),
        "seats": session.seats,
        "format": session.format,
    }
    return {**data, **changes}


def _register(session, n):
    return services.registration_create(
        session=session, data={"name": f"P{n}", "email": f"p{n}@example.org"}, notify=False
    )


@pytest.fixture
def network(client):
    client.force_login(UserFactory(network=True))


def test_moving_a_session_to_a_closed_place_is_refused_with_a_message(client, network):
    session = SessionFactory()
    before = session.place
    closed = PlaceFactory(closed=True)
    url = reverse("training:session_update", args=[session.pk])
    response = client.post(url, _form(session, place=closed.pk), **EN)
    assert response.status_code == 200
    assert "closed or not published" in response.content.decode()
    session.refresh_from_db()
    assert session.place == before


def test_lowering_the_seats_below_the_registrations_is_refused_with_a_message(client, network):
    session = SessionFactory(seats=3)
    _register(session, 1)
    _register(session, 2)
    url = reverse("training:session_update", args=[session.pk])
    response = client.post(url, _form(session, seats=1), **EN)
    assert response.status_code == 200
    assert "2 people are already registered" in response.content.decode()
    session.refresh_from_db()
    assert session.seats == 3
    assert client.post(url, _form(session, seats=2)).status_code == 302


def test_a_registration_without_notification_sends_no_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    session = SessionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _register(session, 1)
    assert mailoutbox == []
    assert session.registrations.count() == 1
