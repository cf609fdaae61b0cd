"""What the network did in a year, computed from the product's records (never typed in).

One function per ``ObjectiveKind``, each a count over the calendar year: sessions held,
trainees who attended, facilitators certified, resources published, project reviews held,
journal entries written, and the places and projects those entries accompanied. A demo
programme counts every record; a real one leaves out the records labelled demo (demo courses,
demo calls, demo resources, the journal's demo projects).
"""

import datetime
from collections.abc import Callable

from django.db.models import Q, QuerySet

from tierslieux.agreements.models import JournalEntry
from tierslieux.calls.models import ProjectReview
from tierslieux.core import clock
from tierslieux.network.models import ObjectiveKind, Resource
from tierslieux.places.models import PlaceSource
from tierslieux.training.models import Registration, Session, Trainee
from tierslieux.training.workflow import RegistrationState

DEMO_LABEL_SUFFIX = " (démo)"
"""How the demo generator labels the journal's projects (``demo.labels.DEMO_SUFFIX``, which
this lower app may not import)."""


def _bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _sessions_held(year: int, include_demo: bool) -> QuerySet[Session]:
    sessions = Session.objects.filter(ends_at__year=year, ends_at__lte=clock.now())
    return sessions if include_demo else sessions.filter(course__is_demo=False)


def _journal(year: int, include_demo: bool) -> QuerySet[JournalEntry]:
    first, last = _bounds(year)
    entries = JournalEntry.objects.filter(happened_on__range=(first, last))
    if not include_demo:
        entries = entries.exclude(
            Q(project_label__endswith=DEMO_LABEL_SUFFIX)
            | Q(place__source=PlaceSource.DEMO)
            | Q(application__call__is_demo=True)
        )
    return entries


def trainings_delivered(year: int, include_demo: bool) -> int:
    return _sessions_held(year, include_demo).count()


def trainees(year: int, include_demo: bool) -> int:
    return Registration.objects.filter(
        session__in=_sessions_held(year, include_demo), state=RegistrationState.ATTENDED
    ).count()


def certifications(year: int, include_demo: bool) -> int:
    certified = Trainee.objects.filter(certified_on__range=_bounds(year))
    return (certified if include_demo else certified.filter(cohort__course__is_demo=False)).count()


def resources_produced(year: int, include_demo: bool) -> int:
    resources = Resource.objects.filter(published_on__range=_bounds(year))
    return (resources if include_demo else resources.filter(is_demo=False)).count()


def project_reviews(year: int, include_demo: bool) -> int:
    reviews = ProjectReview.objects.filter(held_on__range=_bounds(year))
    return (reviews if include_demo else reviews.exclude(call__is_demo=True)).count()


def journal_entries(year: int, include_demo: bool) -> int:
    return _journal(year, include_demo).count()


def places_accompanied(year: int, include_demo: bool) -> int:
    """Distinct places or projects the journal entries of the year are about (a place of the
    directory, else an application, else the project's name)."""
    seen = set()
    for place, application, label in _journal(year, include_demo).values_list(
        "place_id", "application_id", "project_label"
    ):
        if place is not None:
            seen.add(("place", place))
        elif application is not None:
            seen.add(("application", application))
        else:
            seen.add(("project", label.strip().lower()))
    return len(seen)


COMPUTE: dict[str, Callable[[int, bool], int]] = {
    ObjectiveKind.PLACES_ACCOMPANIED: places_accompanied,
    ObjectiveKind.TRAININGS_DELIVERED: trainings_delivered,
    ObjectiveKind.TRAINEES: trainees,
    ObjectiveKind.CERTIFICATIONS: certifications,
    ObjectiveKind.RESOURCES_PRODUCED: resources_produced,
    ObjectiveKind.PROJECT_REVIEWS: project_reviews,
    ObjectiveKind.JOURNAL_ENTRIES: journal_entries,
}


def year_figures(year: int, *, include_demo: bool, kinds: set[str] | None = None) -> dict[str, int]:
    """The computed figure of each kind (or of ``kinds``) for ``year``."""
    return {
        kind: compute(year, include_demo)
        for kind, compute in COMPUTE.items()
        if kinds is None or kind in kinds
    }
