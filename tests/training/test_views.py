"""Pages of the training catalogue (rendered in English)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.training.factories import SessionFactory
from tierslieux.core import clock
from tierslieux.training import services
from tierslieux.training.models import Course, Registration, Session
from tierslieux.training.workflow import RegistrationState

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_public_pages_list_the_catalogue_and_the_sessions(client):
    session = SessionFactory(course__title="Animer une communauté")
    for url in (
        reverse("training:course_list"),
        reverse("training:course_detail", args=[session.course.pk]),
        reverse("training:session_list"),
        reverse("training:session_list") + "?departement=33",
        reverse("training:session_detail", args=[session.pk]),
    ):
        response = client.get(url, **EN)
        assert response.status_code == 200, url
        assert "Animer une communauté" in response.content.decode(), url
    other = client.get(reverse("training:session_list") + "?departement=87", **EN)
    assert "Animer une communauté" not in other.content.decode()


def test_a_visitor_registers_and_gets_the_confirmation(client, django_capture_on_commit_callbacks):
    session = SessionFactory(seats=1)
    url = reverse("training:session_detail", args=[session.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Alex", "email": "alex@example.org"}, **EN)
    assert response.status_code == 302
    assert Registration.objects.get().state == RegistrationState.REGISTERED
    assert mail.outbox[0].to == ["alex@example.org"]
    response = client.post(url, {"name": "Sam", "email": "sam@example.org"}, **EN)
    assert Registration.objects.get(email="sam@example.org").state == RegistrationState.WAITLISTED


def test_a_refused_registration_keeps_what_the_user_typed(client):
    session = SessionFactory()
    services.registration_create(session=session, data={"name": "A", "email": "a@example.org"})
    response = client.post(
        reverse("training:session_detail", args=[session.pk]),
        {"name": "Deuxième fois", "email": "a@example.org", "organisation": "Coop du Lieu"},
        **EN,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already registered to this session" in html
    assert 'value="Deuxième fois"' in html and 'value="Coop du Lieu"' in html
    assert Registration.objects.count() == 1


def test_the_cancellation_page_cancels_once_then_explains(client):
    session = SessionFactory()
    _registration, token = services.registration_create(
        session=session, data={"name": "A", "email": "a@example.org"}
    )
    url = reverse("training:registration_cancel", args=[token])
    assert client.get(url, **EN).status_code == 200
    assert Registration.objects.get().state == RegistrationState.REGISTERED  # GET changes nothing
    assert client.post(url, **EN).status_code == 200
    assert Registration.objects.get().state == RegistrationState.CANCELLED
    again = client.post(url, **EN)
    assert again.status_code == 409 and "already cancelled" in again.content.decode()
    unknown = client.get(reverse("training:registration_cancel", args=["nope"]), **EN)
    assert unknown.status_code == 404


def test_an_expired_link_page_says_so(client):
    session = SessionFactory()
    _registration, token = services.registration_create(
        session=session, data={"name": "A", "email": "a@example.org"}
    )
    with clock.at(session.starts_at + datetime.timedelta(hours=1)):
        response = client.post(reverse("training:registration_cancel", args=[token]), **EN)
    assert response.status_code == 409 and "expired" in response.content.decode()
    assert Registration.objects.get().state == RegistrationState.REGISTERED


def test_the_network_creates_a_course_and_a_session_through_the_pages(client):
    client.force_login(UserFactory(network=True))
    response = client.post(
        reverse("training:course_create"),
        {
            "title": "Facilitateur",
            "objectives": "Faciliter",
            "audience": "Tous",
            "duration_hours": 21,
            "price_euros": "450.00",
            "trainer": "Réseau",
            "is_published": "on",
        },
        **EN,
    )
    course = Course.objects.get()
    assert response.status_code == 302 and course.price_cents == 45000
    place, closed = PlaceFactory(), PlaceFactory(closed=True)
    starts = clock.now() + datetime.timedelta(days=3)
    data = {
        "course": course.pk,
        "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=6)).strftime("%Y-%m-%d %H:%M"),
        "seats": 8,
        "format": "mixed",
    }
    refused = client.post(reverse("training:session_create"), {**data, "place": closed.pk}, **EN)
    assert refused.status_code == 200 and "closed or not published" in refused.content.decode()
    assert not Session.objects.exists()
    created = client.post(reverse("training:session_create"), {**data, "place": place.pk}, **EN)
    assert created.status_code == 302 and Session.objects.get().place == place


def test_a_holder_cannot_reach_the_network_pages(client):
    session = SessionFactory()
    client.force_login(UserFactory(holder=True))
    for url in (
        reverse("training:course_create"),
        reverse("training:course_update", args=[session.course.pk]),
        reverse("training:session_update", args=[session.pk]),
        reverse("training:session_attendance", args=[session.pk]),
    ):
        assert client.get(url, **EN).status_code == 403, url


def test_the_network_records_attendance(client):
    session = SessionFactory()
    registration, _token = services.registration_create(
        session=session, data={"name": "A", "email": "a@example.org"}
    )
    client.force_login(UserFactory(network=True))
    url = reverse("training:session_attendance", args=[session.pk])
    assert client.get(url, **EN).status_code == 200
    client.post(url, {"registration": registration.pk, "attended": "1"}, **EN)
    registration.refresh_from_db()
    assert registration.state == RegistrationState.ATTENDED


def test_the_place_page_shows_its_upcoming_sessions(client):
    session = SessionFactory(course__title="Tenir un budget")
    response = client.get(reverse("places:place_detail", args=[session.place.pk]), **EN)
    html = response.content.decode()
    assert 'id="place-sessions"' in html and "Tenir un budget" in html
    alone = client.get(reverse("places:place_detail", args=[PlaceFactory().pk]), **EN)
    assert 'id="place-sessions"' not in alone.content.decode()


def test_the_network_start_page_links_to_the_training_work(client):
    SessionFactory()
    client.force_login(UserFactory(network=True))
    html = client.get(reverse("workspace:start"), **EN).content.decode()
    assert reverse("training:session_create") in html


def test_the_certificate_of_attendance_downloads_only_once_attended(client):
    session = SessionFactory(course__title="Facilitation")
    registration, _token = services.registration_create(
        session=session, data={"name": "Alex Martin", "email": "a@example.org"}
    )
    network = UserFactory(network=True)
    client.force_login(network)
    url = reverse("training:registration_certificate", args=[registration.pk])
    assert client.get(url).status_code == 404  # registered, not attended yet
    services.attendance_record(registration=registration, attended=True, by=network)
    attendance = client.get(reverse("training:session_attendance", args=[session.pk]), **EN)
    assert url in attendance.content.decode()
    response = client.get(url, **EN)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(UserFactory(holder=True))
    assert client.get(url).status_code == 403


def test_the_admin_lists_the_catalogue_without_the_token(admin_client):
    session = SessionFactory()
    registration, _token = services.registration_create(
        session=session, data={"name": "A", "email": "a@example.org"}
    )
    for name in ("course", "session", "registration"):
        url = reverse(f"admin:training_{name}_changelist")
        assert admin_client.get(url, **EN).status_code == 200, url
    change = admin_client.get(
        reverse("admin:training_registration_change", args=[registration.pk]), **EN
    )
    assert change.status_code == 200
    assert registration.token_hash not in change.content.decode()
