"""Writes of the training catalogue (issue 16, ADR 0027): courses and sessions (network role),
registrations (anyone), cancellation by personal link, attendance (network role).

Business refusals raise ``ValidationError`` with a clear message and change nothing. E-mails go
after the commit through the ``send_email`` background task.
"""

import calendar
import datetime
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.http import absolute_url
from tierslieux.core.permissions import Actor, require
from tierslieux.core.tasks import send_email
from tierslieux.core.workflow import TransitionContext, Workflow
from tierslieux.places.models import Place, PlaceState
from tierslieux.training import emails
from tierslieux.training.models import (
    Course,
    Registration,
    RegistrationLog,
    Session,
    token_hash,
)
from tierslieux.training.workflow import (
    ATTENDANCE_ACTION,
    TAKING_A_SEAT,
    TRANSITIONS,
    Hook,
    RegistrationState,
)

MANAGE_ACTION = "training.catalogue_manage"

COURSE_FIELDS = (
    "title",
    "objectives",
    "audience",
    "duration_hours",
    "price_cents",
    "funding",
    "certification",
    "rncp_code",
    "trainer",
    "is_published",
    "is_demo",
)
SESSION_FIELDS = ("course", "place", "starts_at", "ends_at", "seats", "format")


class InvalidCancellationLink(ValidationError):
    """The link's token is unknown, already used, or its session has started."""


def _send_after_commit(to: str, message: tuple[str, str]) -> None:
    subject, body = message
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=[to]), robust=True
    )


def _assign(obj: Any, fields: tuple[str, ...], data: Mapping[str, Any]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


# --- courses --------------------------------------------------------------------------------


def course_create(*, data: Mapping[str, Any], by: Actor) -> Course:
    require(by, MANAGE_ACTION)
    course = Course()
    _assign(course, COURSE_FIELDS, data)
    course.full_clean()
    course.save()
    return course


def course_update(*, course: Course, data: Mapping[str, Any], by: Actor) -> Course:
    require(by, MANAGE_ACTION, course)
    _assign(course, COURSE_FIELDS, data)
    course.full_clean()
    course.save()
    return course


# --- sessions -------------------------------------------------------------------------------


def _check_host_place(place: Place) -> None:
    if place.state == PlaceState.CLOSED or not place.is_published:
        raise ValidationError(
            {
                "place": _(
                    "%(place)s is closed or not published in the directory: choose another "
                    "host place."
                )
                % {"place": place.name}
            },
            code="place_not_open",
        )


def session_create(*, data: Mapping[str, Any], by: Actor) -> Session:
    require(by, MANAGE_ACTION)
    session = Session()
    _assign(session, SESSION_FIELDS, data)
    _check_host_place(session.place)
    session.full_clean()
    session.save()
    return session


def session_update(*, session: Session, data: Mapping[str, Any], by: Actor) -> Session:
    """Change a session; seats below the registrations already taken are refused."""
    require(by, MANAGE_ACTION, session)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        _assign(locked, SESSION_FIELDS, data)
        if locked.place_id != session.place_id or "place" in data:
            _check_host_place(locked.place)
        taken = locked.registrations.filter(state__in=TAKING_A_SEAT).count()
        if locked.seats is not None and locked.seats < taken:
            raise ValidationError(
                {
                    "seats": _(
                        "%(taken)d people are already registered: the session needs at least "
                        "%(taken)d seats."
                    )
                    % {"taken": taken}
                },
                code="seats_below_taken",
            )
        locked.full_clean()
        locked.save()
    session.refresh_from_db()
    return session


# --- registrations --------------------------------------------------------------------------

REGISTRATION_FIELDS = ("name", "email", "organisation", "place_of_work", "funding")


def _cancel_link(raw_token: str) -> str:
    return absolute_url(reverse("training:registration_cancel", args=[raw_token]))


def registration_create(
    *, session: Session, data: Mapping[str, Any], by: Actor = None, notify: bool = True
) -> tuple[Registration, str]:
    """Register someone (anyone may): waitlisted when the session is full. Returns the
    registration and the raw token of its cancellation link (sent by e-mail only; no e-mail
    with ``notify=False``, as the demo records replay)."""
    require(by, "training.view", session)
    email = str(data.get("email", "")).strip().lower()
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.starts_at <= clock.now():
            raise ValidationError(
                _("This session has already started: registrations are closed."),
                code="session_started",
            )
        already = locked.registrations.exclude(state=RegistrationState.CANCELLED)
        if already.filter(email__iexact=email).exists():
            raise ValidationError(
                {"email": _("This e-mail address is already registered to this session.")},
                code="duplicate_email",
            )
        full = already.filter(state__in=TAKING_A_SEAT).count() >= locked.seats
        registration = Registration(session=locked, token_hash=token_hash(raw))
        _assign(registration, REGISTRATION_FIELDS, data)
        registration.email = email
        registration.state = RegistrationState.WAITLISTED if full else RegistrationState.REGISTERED
        registration.full_clean()
        registration.save()
        RegistrationLog.objects.create(
            registration=registration, to_state=registration.state, by=_logged(by)
        )
        if notify:
            message = emails.waitlisted if full else emails.confirmation
            _send_after_commit(registration.email, message(registration, link=_cancel_link(raw)))
    return registration, raw


def _logged(by: Actor) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def registration_get_by_token(raw_token: str) -> Registration | None:
    if not raw_token or len(raw_token) > 100:
        return None
    return (
        Registration.objects.select_related("session__course", "session__place")
        .filter(token_hash=token_hash(raw_token))
        .first()
    )


def registration_cancel(*, token: str, by: Actor = None) -> Registration:
    """Cancel through the personal link; a freed seat goes to the first waitlisted person.
    An unknown, used or expired link (the session has started) is refused, nothing changed."""
    registration = registration_get_by_token(token)
    if registration is None:
        raise InvalidCancellationLink(
            _("This cancellation link is not valid. Please check the link in your e-mail."),
            code="unknown_link",
        )
    if registration.state == RegistrationState.CANCELLED:
        raise InvalidCancellationLink(
            _("This registration is already cancelled: the link has been used."),
            code="used_link",
        )
    if registration.state == RegistrationState.ATTENDED or (
        registration.session.starts_at <= clock.now()
    ):
        raise InvalidCancellationLink(
            _("This cancellation link has expired: the session has already started."),
            code="expired_link",
        )
    return REGISTRATION_WORKFLOW.run(obj=registration, to=RegistrationState.CANCELLED, by=by)


def attendance_record(*, registration: Registration, attended: bool, by: Actor) -> Registration:
    """The network records whether a registered person attended (or undoes it)."""
    require(by, ATTENDANCE_ACTION, registration)
    target = RegistrationState.ATTENDED if attended else RegistrationState.REGISTERED
    if registration.state == target:
        return registration
    return REGISTRATION_WORKFLOW.run(obj=registration, to=target, by=by)


# --- reminders -----------------------------------------------------------------------------


def registrations_remind(*, days: int | None = None) -> int:
    """E-mail (after the commit) each registered person whose session starts within ``days``
    (``settings.TRAINING_REMINDER_DAYS``) and who was not reminded yet; returns the count."""
    days = settings.TRAINING_REMINDER_DAYS if days is None else days
    now = clock.now()
    due = Registration.objects.select_related("session__course", "session__place").filter(
        state=RegistrationState.REGISTERED,
        reminded_at__isnull=True,
        session__starts_at__gt=now,
        session__starts_at__lte=now + datetime.timedelta(days=days),
    )
    count = 0
    with transaction.atomic():
        for registration in due.select_for_update(of=("self",)):
            registration.reminded_at = now
            registration.save(update_fields=["reminded_at"])
            _send_after_commit(registration.email, emails.reminder(registration))
            count += 1
    return count


# --- personal data -------------------------------------------------------------------------


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` moved back ``months`` calendar months (the day capped at the month's end)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def registrations_anonymise(*, months: int | None = None) -> int:
    """Anonymise the personal data of the registrations to sessions that ended more than
    ``months`` (``settings.TRAINING_PERSONAL_DATA_MONTHS``) months ago; the counts (state,
    session) stay for the network's figures. Returns the number of registrations anonymised."""
    months = settings.TRAINING_PERSONAL_DATA_MONTHS if months is None else months
    if months < 0:
        raise ValueError("months must be positive")
    now = clock.now()
    due = Registration.objects.filter(
        session__ends_at__lt=months_before(now, months), anonymised_at__isnull=True
    )
    with transaction.atomic():
        count = 0
        for pk in due.values_list("pk", flat=True).iterator():
            Registration.objects.filter(pk=pk).update(
                name=_("Anonymised person"),
                email=f"anonymised-{pk}@example.invalid",
                organisation="",
                place_of_work=None,
                funding="",
                anonymised_at=now,
                updated_at=now,
            )
            count += 1
    return count


# --- workflow hooks -------------------------------------------------------------------------


def _stamp_cancelled(context: TransitionContext[Registration]) -> None:
    context.obj.cancelled_at = clock.now()


def _promote_next(context: TransitionContext[Registration]) -> None:
    session = Session.objects.select_for_update().get(pk=context.obj.session_id)
    waiting = session.registrations.filter(state=RegistrationState.WAITLISTED).order_by(
        "created_at", "pk"
    )
    first = waiting.first()
    if first is not None:
        REGISTRATION_WORKFLOW.run(
            obj=first, to=RegistrationState.REGISTERED, by=None, notify=context.notify
        )


def _mail_promoted(context: TransitionContext[Registration]) -> None:
    registration = context.obj
    subject, body = emails.promoted(registration)
    send_email.enqueue(subject=subject, body=body, to=[registration.email])


def _mail_cancelled(context: TransitionContext[Registration]) -> None:
    registration = context.obj
    subject, body = emails.cancelled(registration)
    send_email.enqueue(subject=subject, body=body, to=[registration.email])


REGISTRATION_WORKFLOW: Workflow[Registration] = Workflow(
    model=Registration,
    transitions=TRANSITIONS,
    log_model=RegistrationLog,
    log_object_field="registration",
    hooks={
        Hook.STAMP_CANCELLED: _stamp_cancelled,
        Hook.PROMOTE_NEXT: _promote_next,
        Hook.MAIL_PROMOTED: _mail_promoted,
        Hook.MAIL_CANCELLED: _mail_cancelled,
    },
    notifications=frozenset({Hook.MAIL_PROMOTED, Hook.MAIL_CANCELLED}),
)
