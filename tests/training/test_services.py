"""Services of the training catalogue: the bad inputs of issue 16 (each a clear message, nothing
changed), the waiting list and its promotion e-mail, the workflow table, permissions."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.accounts.factories import UserFactory
from tests.places.factories import PlaceFactory
from tests.training.factories import CourseFactory, SessionFactory
from tierslieux.core import clock
from tierslieux.core.permissions import user_can
from tierslieux.core.workflow import InvalidTransition
from tierslieux.training import services
from tierslieux.training.models import Registration, RegistrationLog, Session
from tierslieux.training.workflow import TRANSITIONS, RegistrationState

pytestmark = pytest.mark.django_db
S = RegistrationState


@pytest.fixture
def network():
    return UserFactory(network=True)


def _register(session, n, **extra):
    data = {"name": f"Personne {n}", "email": f"personne{n}@example.org", **extra}
    return services.registration_create(session=session, data=data)


def _session_data(place, course, **extra):
    starts = clock.now() + datetime.timedelta(days=5)
    return {
        "course": course,
        "place": place,
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=7),
        "seats": 12,
        "format": "on_site",
        **extra,
    }


def test_network_creates_a_course_with_an_rncp_code(network):
    course = services.course_create(
        data={
            "title": "Facilitateur de tiers-lieux",
            "objectives": "Faciliter.",
            "audience": "Tous",
            "duration_hours": 35,
            "price_cents": 0,
            "certification": "Facilitateur·rice de tiers-lieux",
            "rncp_code": "RNCP37421",
            "trainer": "Réseau régional",
        },
        by=network,
    )
    assert course.pk and course.rncp_code == "RNCP37421"


def test_a_malformed_rncp_code_is_refused(network):
    with pytest.raises(ValidationError) as refused:
        services.course_create(
            data={
                "title": "X",
                "objectives": "Y",
                "audience": "Z",
                "duration_hours": 3,
                "rncp_code": "37421",
                "trainer": "T",
            },
            by=network,
        )
    assert "rncp_code" in refused.value.error_dict


@pytest.mark.parametrize("role", ["holder", "instructor", "reader", "authority"])
def test_only_the_network_edits_a_course(role):
    course = CourseFactory(title="Avant")
    user = UserFactory(**{role: True})
    assert not user_can(user, "training.catalogue_manage", course)
    with pytest.raises(PermissionDenied):
        services.course_update(course=course, data={"title": "Après"}, by=user)
    course.refresh_from_db()
    assert course.title == "Avant"


@pytest.mark.parametrize("trait", [{"closed": True}, {"unpublished": True}])
def test_a_session_in_a_closed_or_unpublished_place_is_refused(network, trait):
    place = PlaceFactory(**trait)
    with pytest.raises(ValidationError) as refused:
        services.session_create(data=_session_data(place, CourseFactory()), by=network)
    assert "closed or not published" in refused.value.message_dict["place"][0]
    assert not Session.objects.exists()


def test_seats_below_the_registrations_taken_are_refused(network):
    session = SessionFactory(seats=3)
    _register(session, 1)
    _register(session, 2)
    with pytest.raises(ValidationError) as refused:
        services.session_update(session=session, data={"seats": 1}, by=network)
    assert "2 people are already registered" in refused.value.message_dict["seats"][0]
    session.refresh_from_db()
    assert session.seats == 3
    services.session_update(session=session, data={"seats": 2}, by=network)
    session.refresh_from_db()
    assert session.seats == 2


def test_a_second_registration_with_the_same_email_is_refused():
    session = SessionFactory()
    _register(session, 1)
    with pytest.raises(ValidationError) as refused:
        services.registration_create(
            session=session, data={"name": "Autre", "email": "PERSONNE1@example.org"}
        )
    assert "already registered" in refused.value.message_dict["email"][0]
    assert session.registrations.count() == 1


def test_the_full_session_waitlists_and_a_cancellation_promotes_with_an_email(
    django_capture_on_commit_callbacks,
):
    session = SessionFactory(seats=1)
    with django_capture_on_commit_callbacks(execute=True):
        first, first_token = _register(session, 1)
        second, _token = _register(session, 2)
        third, _token3 = _register(session, 3)
    assert (first.state, second.state, third.state) == (S.REGISTERED, S.WAITLISTED, S.WAITLISTED)
    assert [m.to for m in mail.outbox] == [[first.email], [second.email], [third.email]]
    assert first_token in mail.outbox[0].body  # the raw token exists only in the e-mail
    assert first_token not in first.token_hash
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(token=first_token)
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.state, second.state, third.state) == (S.CANCELLED, S.REGISTERED, S.WAITLISTED)
    assert first.cancelled_at is not None
    promoted = [m for m in mail.outbox if m.to == [second.email]]
    assert len(promoted) == 1 and "seat" in promoted[0].subject
    assert RegistrationLog.objects.filter(
        registration=second, from_state=S.WAITLISTED, to_state=S.REGISTERED
    ).exists()


def test_an_expired_or_used_cancellation_link_changes_nothing():
    session = SessionFactory(seats=1)
    registration, token = _register(session, 1)
    waiting, _token = _register(session, 2)
    started = session.starts_at + datetime.timedelta(minutes=1)
    with clock.at(started), pytest.raises(services.InvalidCancellationLink) as refused:
        services.registration_cancel(token=token)
    assert refused.value.code == "expired_link"
    assert "expired" in refused.value.messages[0]
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.state, waiting.state) == (S.REGISTERED, S.WAITLISTED)

    services.registration_cancel(token=token)
    with pytest.raises(services.InvalidCancellationLink) as used:
        services.registration_cancel(token=token)
    assert used.value.code == "used_link"
    with pytest.raises(services.InvalidCancellationLink) as unknown:
        services.registration_cancel(token="not-a-token")
    assert unknown.value.code == "unknown_link"


def test_after_a_cancellation_the_same_email_may_register_again():
    session = SessionFactory()
    _registration, token = _register(session, 1)
    services.registration_cancel(token=token)
    again, _token = _register(session, 1)
    assert again.state == S.REGISTERED


def test_attendance_is_recorded_by_the_network_only(network):
    session = SessionFactory()
    registration, _token = _register(session, 1)
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            registration=registration, attended=True, by=UserFactory(holder=True)
        )
    registration = services.attendance_record(registration=registration, attended=True, by=network)
    assert registration.state == S.ATTENDED
    log = RegistrationLog.objects.filter(registration=registration).last()
    assert (log.from_state, log.to_state, log.by) == (S.REGISTERED, S.ATTENDED, network)


ALL_MOVES = [(a, b) for a in S.values for b in S.values if a != b]


@pytest.mark.parametrize(("source", "target"), ALL_MOVES)
def test_the_workflow_allows_exactly_its_table(network, source, target):
    session = SessionFactory(seats=5)
    registration, _token = _register(session, 1)
    Registration.objects.filter(pk=registration.pk).update(state=source)
    registration.refresh_from_db()
    if (source, target) in TRANSITIONS:
        moved = services.REGISTRATION_WORKFLOW.run(obj=registration, to=target, by=network)
        assert moved.state == target
    else:
        with pytest.raises(InvalidTransition):
            services.REGISTRATION_WORKFLOW.run(obj=registration, to=target, by=network)
        registration.refresh_from_db()
        assert registration.state == source
