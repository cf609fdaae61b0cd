"""Writes of the facilitator training cohorts (issue 16, part 3; ADR 0033): a certifying
course's modules, its cohorts, their trainees (the place of the directory each works in), the
modules each completed and the certification obtained.

Business refusals raise ``ValidationError`` with a clear message and change nothing.
"""

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tierslieux.core import clock
from tierslieux.core.permissions import Actor, require
from tierslieux.training.models import Cohort, Course, CourseModule, Trainee

COHORT_ACTION = "training.cohort_manage"
COHORT_FIELDS = ("course", "name", "starts_on", "ends_on")


def module_create(*, course: Course, title: str, position: int = 1, by: Actor) -> CourseModule:
    require(by, COHORT_ACTION, course)
    if course.modules.filter(title__iexact=title.strip()).exists():
        raise ValidationError(
            {"title": _("This course already has a module of this title.")}, code="duplicate"
        )
    module = CourseModule(course=course, title=title.strip(), position=position)
    module.full_clean()
    module.save()
    return module


def cohort_create(*, data: Mapping[str, Any], by: Actor) -> Cohort:
    require(by, COHORT_ACTION)
    cohort = Cohort()
    for name in COHORT_FIELDS:
        if name in data:
            setattr(cohort, name, data[name])
    _check_dates(cohort)
    cohort.full_clean()
    cohort.save()
    return cohort


def _check_dates(cohort: Cohort) -> None:
    if cohort.starts_on and cohort.ends_on and cohort.ends_on < cohort.starts_on:
        raise ValidationError(
            {"ends_on": _("The cohort must end on or after the day it starts.")}, code="dates"
        )


@transaction.atomic
def trainee_add(*, cohort: Cohort, name: str, place: Any = None, by: Actor) -> Trainee:
    """Add a trainee to a cohort (one per name in a cohort)."""
    require(by, COHORT_ACTION, cohort)
    name = name.strip()
    if cohort.trainees.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": _("This cohort already has a trainee of this name.")}, code="duplicate"
        )
    trainee = Trainee(cohort=cohort, name=name, place=place)
    trainee.full_clean()
    trainee.save()
    return trainee


@transaction.atomic
def trainee_progress(
    *,
    trainee: Trainee,
    modules: Iterable[CourseModule],
    certified_on: datetime.date | None,
    by: Actor,
) -> Trainee:
    """Record the modules a trainee completed and, when given, the day of the certification.

    Refused (nothing changed): a module of another course; a certification when the course
    certifies nothing, before every module is completed, before the cohort starts, or in the
    future."""
    require(by, COHORT_ACTION, trainee)
    cohort = trainee.cohort
    course = cohort.course
    modules = list(modules)
    foreign = [m for m in modules if m.course_id != course.pk]
    if foreign:
        raise ValidationError(
            {"modules": _("These modules are not modules of the cohort's course.")},
            code="foreign_module",
        )
    if certified_on is not None:
        if not (course.certification or course.rncp_code):
            raise ValidationError(
                {"certified_on": _("The cohort's course leads to no certification.")},
                code="no_certification",
            )
        missing = set(course.modules.values_list("pk", flat=True)) - {m.pk for m in modules}
        if missing:
            raise ValidationError(
                {
                    "certified_on": _(
                        "The certification needs every module of the course completed "
                        "(%(n)d missing)."
                    )
                    % {"n": len(missing)}
                },
                code="modules_missing",
            )
        if certified_on < cohort.starts_on or certified_on > clock.today():
            raise ValidationError(
                {
                    "certified_on": _(
                        "The certification date must be between the cohort's start and today."
                    )
                },
                code="certified_on",
            )
    trainee.certified_on = certified_on
    trainee.full_clean()
    trainee.save()
    trainee.modules_completed.set(modules)
    return trainee
