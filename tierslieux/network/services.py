"""Writes of the partnership programme (Région staff: programme, extensions, objectives; the
network: its yearly report; both: the steering meeting's minutes) and of the resources library
(the network). Business refusals raise ``ValidationError`` with a clear message and change
nothing (ADR 0033)."""

import datetime
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.permissions import Actor, require
from tierslieux.core.uploads import CheckedUpload
from tierslieux.network.models import (
    Objective,
    ObjectiveKind,
    Programme,
    ProgrammeExtension,
    Resource,
    SteeringMeeting,
    YearReport,
)

MANAGE = "network.programme_manage"
PROGRAMME_FIELDS = ("title", "partner", "starts_on", "ends_on", "summary")
RESOURCE_FIELDS = ("title", "kind", "description", "licence", "url", "published_on")


def _logged(by: Actor) -> Any:
    return by if getattr(by, "is_authenticated", False) else None


def programme_create(*, data: Mapping[str, Any], by: Actor, is_demo: bool = False) -> Programme:
    require(by, MANAGE)
    programme = Programme(is_demo=is_demo)
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    _check_period(programme)
    programme.full_clean()
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, data: Mapping[str, Any], by: Actor) -> Programme:
    """Change the programme; a period that would leave out a year already holding objectives,
    a report or a meeting is refused."""
    require(by, MANAGE, programme)
    for name in PROGRAMME_FIELDS:
        if name in data:
            setattr(programme, name, data[name])
    _check_period(programme)
    years = set(programme.years())
    used = (
        set(programme.objectives.values_list("year", flat=True))
        | set(programme.reports.values_list("year", flat=True))
        | set(programme.meetings.values_list("year", flat=True))
    )
    outside = sorted(used - years)
    if outside:
        raise ValidationError(
            {
                "starts_on": _(
                    "The new period leaves out %(years)s, which already hold objectives, a "
                    "report or a meeting."
                )
                % {"years": ", ".join(str(y) for y in outside)}
            },
            code="period_leaves_years",
        )
    programme.full_clean()
    programme.save()
    return programme


def _check_period(programme: Programme) -> None:
    if programme.starts_on and programme.ends_on and programme.ends_on <= programme.starts_on:
        raise ValidationError(
            {"ends_on": _("The programme must end after it starts.")}, code="period"
        )


@transaction.atomic
def programme_extend(
    *,
    programme: Programme,
    ends_on: datetime.date,
    decided_on: datetime.date,
    reason: str = "",
    by: Actor,
) -> ProgrammeExtension:
    """Extend the programme to ``ends_on``, which must be later than its current end."""
    require(by, MANAGE, programme)
    current = programme.current_end()
    if ends_on <= current:
        raise ValidationError(
            {
                "ends_on": _("An extension must end after the programme's current end (%(end)s).")
                % {"end": current.strftime("%d/%m/%Y")}
            },
            code="extension_not_later",
        )
    extension = ProgrammeExtension(
        programme=programme, ends_on=ends_on, decided_on=decided_on, reason=reason
    )
    extension.full_clean()
    extension.save()
    return extension


def _check_year(programme: Programme, year: int, field: str = "year") -> None:
    if year not in programme.years():
        raise ValidationError(
            {field: _("%(year)s is not a year of the programme.") % {"year": year}},
            code="year_outside",
        )


@transaction.atomic
def objective_set(
    *, programme: Programme, year: int, kind: str, target: int, by: Actor
) -> Objective:
    """Set the target of a deliverable for a year of the programme (created or changed)."""
    require(by, MANAGE, programme)
    _check_year(programme, year)
    if kind not in ObjectiveKind.values:
        raise ValidationError({"kind": _("Unknown deliverable.")}, code="kind")
    objective = Objective.objects.filter(programme=programme, year=year, kind=kind).first()
    objective = objective or Objective(programme=programme, year=year, kind=kind)
    objective.target = target
    objective.full_clean()
    objective.save()
    return objective


@transaction.atomic
def report_submit(
    *,
    programme: Programme,
    year: int,
    narrative: str,
    declared: Mapping[str, int | None],
    by: Actor,
) -> YearReport:
    """The network's report on a year (written once the year has begun; rewritten as often as
    needed), with its own figure beside each objective's computed one."""
    require(by, "network.report_write", programme)
    _check_year(programme, year)
    today = clock.today()
    if year > today.year:
        raise ValidationError(
            {"year": _("A year is reported on once it has begun.")}, code="year_future"
        )
    report = YearReport.objects.filter(programme=programme, year=year).first()
    report = report or YearReport(programme=programme, year=year)
    report.narrative = narrative
    report.submitted_on = today
    report.submitted_by = _logged(by)
    report.full_clean()
    report.save()
    for objective in programme.objectives.filter(year=year):
        if objective.kind in declared:
            objective.declared = declared[objective.kind]
            objective.full_clean()
            objective.save(update_fields=["declared"])
    return report


@transaction.atomic
def meeting_record(
    *, programme: Programme, year: int, held_on: datetime.date, minutes: str, by: Actor
) -> SteeringMeeting:
    """Record the steering meeting of a year and its minutes (one a year; recorded again it
    is corrected). A meeting is recorded once held: not in the future."""
    require(by, "network.meeting_record", programme)
    _check_year(programme, year)
    if held_on > clock.today():
        raise ValidationError(
            {"held_on": _("A meeting is recorded once it has been held.")}, code="held_future"
        )
    meeting = SteeringMeeting.objects.filter(programme=programme, year=year).first()
    meeting = meeting or SteeringMeeting(programme=programme, year=year)
    meeting.held_on = held_on
    meeting.minutes = minutes
    meeting.recorded_by = _logged(by)
    meeting.full_clean()
    meeting.save()
    return meeting


# --- resources -------------------------------------------------------------------------------


def url_check(url: str) -> str:
    """``url`` if it is an absolute http(s) link, else a ``ValidationError``: nothing else
    (``javascript:``, ``data:``, a relative path) is ever rendered as a link."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValidationError(
            {"url": _("Give a link starting with http:// or https://.")}, code="url_scheme"
        )
    return url


def resource_create(
    *,
    data: Mapping[str, Any],
    upload: CheckedUpload | None = None,
    by: Actor,
    is_demo: bool = False,
) -> Resource:
    """A resource with a link or a file checked by ``core.uploads`` (exactly one of them)."""
    require(by, "network.resource_manage")
    resource = Resource(is_demo=is_demo, created_by=_logged(by))
    for name in RESOURCE_FIELDS:
        if name in data:
            setattr(resource, name, data[name])
    has_url = bool((resource.url or "").strip())
    if has_url == (upload is not None):
        raise ValidationError(
            _("Give either a link or a file (one of the two)."), code="link_or_file"
        )
    if has_url:
        resource.url = url_check(resource.url)
    if resource.published_on is None:
        resource.published_on = clock.today()
    if upload is not None:
        resource.file_name = upload.name
        resource.content_type = upload.content_type
        upload.file.seek(0)
        resource.file.save(upload.name, upload.file, save=False)
    try:
        resource.full_clean()
    except ValidationError:
        if resource.file:
            resource.file.delete(save=False)
        raise
    resource.save()
    return resource


def resource_delete(*, resource: Resource, by: Actor) -> None:
    require(by, "network.resource_manage", resource)
    if resource.file:
        resource.file.delete(save=False)
    resource.delete()
