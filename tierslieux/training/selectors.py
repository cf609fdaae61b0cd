"""Reads of the training catalogue: the public catalogue, upcoming sessions (by département or
place) with their seats taken, and a session's registrations for the network."""

import datetime

from django.db.models import Count, F, Q, QuerySet

from tierslieux.core import clock
from tierslieux.core.permissions import user_can
from tierslieux.places.models import PlaceState
from tierslieux.training.models import Cohort, Course, Registration, Session, Trainee
from tierslieux.training.workflow import TAKING_A_SEAT, RegistrationState


def course_list(*, user) -> QuerySet[Course]:
    courses = Course.objects.all()
    if not user_can(user, "training.catalogue_manage"):
        courses = courses.filter(is_published=True)
    return courses


def course_get(*, user, pk: int) -> Course | None:
    return course_list(user=user).filter(pk=pk).first()


def _with_counts(sessions: QuerySet[Session]) -> QuerySet[Session]:
    taken = Count("registrations", filter=Q(registrations__state__in=TAKING_A_SEAT))
    # The outline of the commune is never shown with a session: not read.
    return (
        sessions.select_related("course", "place__commune")
        .defer("place__commune__geometry")
        .annotate(
            seats_taken=taken,
            seats_left=F("seats") - taken,
            waitlisted=Count(
                "registrations", filter=Q(registrations__state=RegistrationState.WAITLISTED)
            ),
        )
    )


def session_list(*, user) -> QuerySet[Session]:
    """Sessions the user may see: the public sees those of published courses in open,
    published places."""
    sessions = Session.objects.all()
    if not user_can(user, "training.catalogue_manage"):
        sessions = sessions.filter(course__is_published=True, place__is_published=True).exclude(
            place__state=PlaceState.CLOSED
        )
    return _with_counts(sessions)


def session_upcoming(
    *, user, departement: str | None = None, place_id: int | None = None, region: str = ""
) -> QuerySet[Session]:
    sessions = session_list(user=user).filter(ends_at__gt=clock.now())
    if region:
        sessions = sessions.filter(place__commune__departement__region_code=region)
    if departement:
        sessions = sessions.filter(place__commune__departement_id=departement)
    if place_id:
        sessions = sessions.filter(place_id=place_id)
    return sessions.order_by("starts_at", "pk")


def session_get(*, user, pk: int) -> Session | None:
    return session_list(user=user).filter(pk=pk).first()


def registration_list(*, user, session: Session) -> QuerySet[Registration]:
    if not user_can(user, "training.registration_view", session):
        return Registration.objects.none()
    return session.registrations.select_related("place_of_work").order_by("created_at", "pk")


def registration_attended_get(*, user, pk: int) -> Registration | None:
    """An attended registration ``user`` may certify (its certificate of attendance), or None."""
    registration = (
        Registration.objects.select_related("session__course", "session__place")
        .filter(pk=pk, state=RegistrationState.ATTENDED)
        .first()
    )
    if registration is None or not user_can(user, "training.attendance_record", registration):
        return None
    return registration


# --- facilitator cohorts --------------------------------------------------------------------


def cohort_list(*, user) -> QuerySet[Cohort]:
    """Cohorts with their counts of trainees and certified trainees (network and Région)."""
    if not user_can(user, "training.cohort_view"):
        return Cohort.objects.none()
    return (
        Cohort.objects.select_related("course")
        .annotate(
            n_trainees=Count("trainees", distinct=True),
            n_certified=Count(
                "trainees", filter=Q(trainees__certified_on__isnull=False), distinct=True
            ),
        )
        .order_by("-starts_on", "pk")
    )


def cohort_get(*, user, pk: int) -> Cohort | None:
    return cohort_list(user=user).filter(pk=pk).first()


def trainee_list(*, user, cohort: Cohort) -> QuerySet[Trainee]:
    if not user_can(user, "training.cohort_view", cohort):
        return Trainee.objects.none()
    return (
        cohort.trainees.select_related("place__commune")
        .defer("place__commune__geometry")
        .prefetch_related("modules_completed")
        .order_by("name", "pk")
    )


def certifications_read(*, include_demo: bool) -> list[tuple[datetime.date, str | None]]:
    """(day certified, département of the trainee's place of work or None) of every
    certification obtained; demo courses' trainees left out unless ``include_demo``."""
    trainees = Trainee.objects.filter(certified_on__isnull=False)
    if not include_demo:
        trainees = trainees.filter(cohort__course__is_demo=False)
    return list(trainees.values_list("certified_on", "place__commune__departement_id"))
