"""Writes of the yearly survey: create a year's survey, invite the places, remind those that have
not answered, store an answer sent through a personal link or taken by staff on the phone.

Only a SHA-256 of each link's token is stored (``SurveyInvitation.token_hash``); the raw token is
made here, put in the e-mail and forgotten. A reminder therefore sends a new link, which
replaces the previous one. Business refusals raise ``ValidationError`` (``InvalidSurveyLink``,
``SurveyNotOpen``); a user without the right raises ``PermissionDenied``. E-mails leave after
the commit (``transaction.on_commit``).
"""

import datetime
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.logging import actor_id
from tierslieux.core.permissions import Actor, require
from tierslieux.core.tasks import send_email
from tierslieux.places.models import Place, PlaceService, PlaceSource, PlaceState
from tierslieux.surveys import emails
from tierslieux.surveys.models import (
    Survey,
    SurveyEvent,
    SurveyInvitation,
    SurveyLog,
    SurveyResponse,
    token_hash,
)
from tierslieux.surveys.selectors import MANAGE_ACTION, invitation_get_by_token

logger = logging.getLogger(__name__)

RESPONSE_FIELDS = (
    "users_per_week",
    "jobs_hosted",
    "turnover_range",
    "business_model_confidence",
    "services",
    "governance",
    "comments",
    "respondent_name",
)

# --- errors --------------------------------------------------------------------------------


class InvalidSurveyLink(ValidationError):
    """The link's token is unknown: mistyped, or replaced by the link of a later reminder."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This link is not valid or has expired. Each reminder sends a new link that "
                "replaces the previous one: use the link of the most recent e-mail."
            ),
            code="invalid_link",
        )


class SurveyNotOpen(ValidationError):
    """The survey does not take answers today (not yet open, or closed)."""

    def __init__(self, survey: Survey, *, on: datetime.date) -> None:
        dates = {
            "year": survey.year,
            "opens": survey.opens_on.strftime("%d/%m/%Y"),
            "closes": survey.closes_on.strftime("%d/%m/%Y"),
        }
        if on < survey.opens_on:
            message = _("The panorama %(year)s opens on %(opens)s.") % dates
            code = "not_yet_open"
        else:
            message = (
                _("The panorama %(year)s closed on %(closes)s: answers can no longer be changed.")
                % dates
            )
            code = "closed"
        super().__init__(message, code=code)
        self.survey = survey


# --- helpers -------------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    """A fresh raw token (for the e-mail only) and its hash (for the database)."""
    raw = secrets.token_urlsafe(32)
    return raw, token_hash(raw)


def _link(base_url: str, raw_token: str) -> str:
    return base_url.rstrip("/") + reverse("surveys:response_create", args=[raw_token])


def _send_after_commit(subject: str, body: str, to: str) -> None:
    if not to:
        return
    transaction.on_commit(
        lambda: send_email.enqueue(subject=subject, body=body, to=[to]), robust=True
    )


def _log(survey: Survey, event: str, *, by: Actor = None, place: Place | None = None, note=""):
    SurveyLog.objects.create(
        survey=survey,
        place=place,
        event=event,
        by=by if by is not None and by.is_authenticated else None,
        note=str(note)[:300],
    )
    # Ids only: the note may hold an e-mail address or a respondent's name.
    logger.info(
        "survey %s: %s, place %s, by user %s",
        survey.pk,
        event,
        place.pk if place is not None else None,
        actor_id(by),
    )


def _lock(survey: Survey) -> None:
    """Serialise two sendings of the same survey (two staff members clicking at once)."""
    Survey.objects.select_for_update().filter(pk=survey.pk).first()


def _require_open(survey: Survey, on: datetime.date) -> None:
    if not survey.is_open_on(on):
        raise SurveyNotOpen(survey, on=on)


def surveyed_places(survey: Survey, *, on: datetime.date):
    """Places a survey asks: published and open on ``on``; a demo survey asks only demo places
    and a real survey never asks them (a demo must never e-mail a real manager)."""
    places = Place.objects.published().open_on(on).filter(state=PlaceState.OPEN)
    if survey.is_demo:
        return places.filter(source=PlaceSource.DEMO)
    return places.exclude(source=PlaceSource.DEMO)


# --- surveys -------------------------------------------------------------------------------


@transaction.atomic
def survey_create(
    *,
    year: int,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    by: Actor,
    is_demo: bool = False,
) -> Survey:
    """Create the survey of ``year`` (one per year)."""
    require(by, MANAGE_ACTION)
    survey = Survey(
        year=year,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        is_demo=is_demo,
        created_by=by if by is not None and by.is_authenticated else None,
    )
    if closes_on < opens_on:
        raise ValidationError(
            {"closes_on": _("The survey must close after it opens.")}, code="dates"
        )
    survey.full_clean()
    survey.save()
    _log(survey, SurveyEvent.CREATED, by=by)
    logger.info("survey %s created", survey.pk)
    return survey


@dataclass
class SendReport:
    """What a sending did: places newly invited (or reminded), already invited, without e-mail."""

    sent: list[Place] = field(default_factory=list)
    already_invited: int = 0
    without_email: list[Place] = field(default_factory=list)


@transaction.atomic
def survey_invitations_send(*, survey: Survey, by: Actor, base_url: str) -> SendReport:
    """Invite every surveyed place having an e-mail that has no invitation yet.

    Running it again invites only the places added since (idempotent); places without an
    e-mail are reported so that staff can call them (``response_record_by_staff``).
    """
    require(by, MANAGE_ACTION)
    now = clock.now()
    _require_open(survey, clock.today())
    _lock(survey)
    invited = set(SurveyInvitation.objects.filter(survey=survey).values_list("place_id", flat=True))
    report = SendReport()
    for place in surveyed_places(survey, on=clock.today()).order_by("name", "pk"):
        if place.pk in invited:
            report.already_invited += 1
            continue
        if not place.email:
            report.without_email.append(place)
            continue
        raw, hashed = _new_token()
        invitation = SurveyInvitation(
            survey=survey, place=place, email=place.email, token_hash=hashed, sent_at=now
        )
        invitation.full_clean()
        invitation.save()
        _log(survey, SurveyEvent.INVITED, by=by, place=place, note=place.email)
        subject, body = emails.invitation(invitation, link=_link(base_url, raw))
        _send_after_commit(subject, body, place.email)
        report.sent.append(place)
    logger.info("survey %s: %s invitations sent", survey.pk, len(report.sent))
    return report


@transaction.atomic
def survey_reminders_send(*, survey: Survey, by: Actor, base_url: str) -> SendReport:
    """Remind every place invited by e-mail that has not answered, with a new personal link
    (the previous link stops working: only hashes are stored, the old token cannot be resent)."""
    require(by, MANAGE_ACTION)
    now = clock.now()
    _require_open(survey, clock.today())
    _lock(survey)
    report = SendReport()
    pending = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .filter(survey=survey, response__isnull=True, sent_at__isnull=False)
        .select_related("survey", "place")
        .order_by("place__name", "pk")
    )
    for invitation in pending:
        if not invitation.email:
            report.without_email.append(invitation.place)
            continue
        raw, invitation.token_hash = _new_token()
        invitation.reminded_at = now
        invitation.reminder_count += 1
        invitation.save(update_fields=["token_hash", "reminded_at", "reminder_count", "updated_at"])
        _log(survey, SurveyEvent.REMINDED, by=by, place=invitation.place, note=invitation.email)
        subject, body = emails.reminder(invitation, link=_link(base_url, raw))
        _send_after_commit(subject, body, invitation.email)
        report.sent.append(invitation.place)
    logger.info("survey %s: %s reminders sent", survey.pk, len(report.sent))
    return report


# --- answers -------------------------------------------------------------------------------


def _validated_services(services: Any) -> list[str]:
    if services is None:
        return []
    if isinstance(services, str) or not isinstance(services, list | tuple | set | frozenset):
        raise ValidationError({"services": _("Choose services from the list.")}, code="services")
    unknown = [s for s in services if s not in PlaceService.values]
    if unknown:
        raise ValidationError(
            {
                "services": _("Unknown services: %(codes)s.")
                % {"codes": ", ".join(map(str, unknown))}
            },
            code="services",
        )
    # Keep the list's order and drop duplicates.
    return [s for s in PlaceService.values if s in set(services)]


def _store_answer(
    *,
    invitation: SurveyInvitation,
    data: Mapping[str, Any],
    now: datetime.datetime,
    recorded_by: Actor = None,
) -> tuple[SurveyResponse, bool]:
    values = {name: data[name] for name in RESPONSE_FIELDS if name in data}
    values["services"] = _validated_services(data.get("services"))
    for name in ("comments", "respondent_name"):
        values[name] = (values.get(name) or "").strip()
    response = SurveyResponse.objects.filter(
        survey_id=invitation.survey_id, place_id=invitation.place_id
    ).first()
    created = response is None
    if created:
        response = SurveyResponse(survey=invitation.survey, place=invitation.place)
    for name, value in values.items():
        setattr(response, name, value)
    response.invitation = invitation
    response.submitted_at = now
    response.recorded_by = recorded_by
    response.full_clean()
    response.save()
    invitation.responded_at = now
    invitation.save(update_fields=["responded_at", "updated_at"])
    return response, created


@transaction.atomic
def response_submit(*, token: str, data: Mapping[str, Any]) -> tuple[SurveyResponse, bool]:
    """Store the answers sent through a personal link; returns ``(response, created)``.

    One answer per place and survey: sending the form again through the same link, while the
    survey is open, replaces the previous answers.
    """
    invitation = invitation_get_by_token(token)
    if invitation is None:
        raise InvalidSurveyLink()
    # Serialise two submissions of the same link (double click, two tabs).
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    survey = invitation.survey
    _require_open(survey, clock.today())
    response, created = _store_answer(invitation=invitation, data=data, now=clock.now())
    _log(
        survey,
        SurveyEvent.RESPONDED if created else SurveyEvent.UPDATED,
        place=invitation.place,
        note=response.respondent_name,
    )
    logger.info("survey response %s stored (new: %s)", response.pk, created)
    return response, created


@transaction.atomic
def response_record_by_staff(
    *, survey: Survey, place: Place, data: Mapping[str, Any], by: Actor
) -> tuple[SurveyResponse, bool]:
    """Store the answers a staff member took on the phone; returns ``(response, created)``.

    The place counts as invited (an invitation without e-mail sending is made if needed).
    Staff may record an answer after the survey closed (late answers collected by phone).
    """
    require(by, MANAGE_ACTION)
    invitation = (
        SurveyInvitation.objects.select_for_update().filter(survey=survey, place=place).first()
    )
    if invitation is None:
        _raw, hashed = _new_token()  # never sent: the place answers through staff only
        invitation = SurveyInvitation(
            survey=survey, place=place, email=place.email, token_hash=hashed
        )
        invitation.full_clean()
        invitation.save()
    response, created = _store_answer(
        invitation=invitation, data=data, now=clock.now(), recorded_by=by
    )
    _log(survey, SurveyEvent.RECORDED, by=by, place=place, note=response.respondent_name)
    logger.info("survey response %s recorded by staff (new: %s)", response.pk, created)
    return response, created
