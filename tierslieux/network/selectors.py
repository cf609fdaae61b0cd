"""Reads of the partnership programme and the resources library; permissions applied here."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from tierslieux.core import clock
from tierslieux.core.permissions import user_can
from tierslieux.network import figures
from tierslieux.network.models import (
    Objective,
    ObjectiveKind,
    Programme,
    Resource,
    SteeringMeeting,
    YearReport,
)

SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    computed: int
    """The figure computed from the records for the year."""

    @property
    def share(self) -> float:
        return self.computed / self.objective.target

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def reached(self) -> bool:
        return self.computed >= self.objective.target


@dataclass(frozen=True)
class ProgrammeYear:
    year: int
    rows: tuple[ObjectiveRow, ...]
    report: YearReport | None
    meeting: SteeringMeeting | None
    is_over: bool
    """The year has ended: its figures are final."""


def programme_list(*, user) -> QuerySet[Programme]:
    if not user_can(user, "network.programme_view"):
        return Programme.objects.none()
    return Programme.objects.select_related("partner").prefetch_related("extensions")


def programme_get(*, user, pk: int) -> Programme | None:
    return programme_list(user=user).filter(pk=pk).first()


def programme_years(*, programme: Programme) -> list[ProgrammeYear]:
    """Each year of the programme: its objectives against the computed figures, the
    network's report and the steering meeting."""
    programme = (
        Programme.objects.filter(pk=programme.pk)
        .prefetch_related(
            "extensions",
            Prefetch("objectives", queryset=Objective.objects.order_by("year", "kind")),
            "reports",
            "meetings",
        )
        .get()
    )
    extensions = list(programme.extensions.all())
    by_year: dict[int, list[Objective]] = {}
    for objective in programme.objectives.all():
        by_year.setdefault(objective.year, []).append(objective)
    reports = {r.year: r for r in programme.reports.all()}
    meetings = {m.year: m for m in programme.meetings.all()}
    order = {kind: i for i, kind in enumerate(ObjectiveKind.values)}
    today = clock.today()
    years = []
    for year in programme.years(extensions):
        objectives = sorted(by_year.get(year, []), key=lambda o: order[o.kind])
        computed = figures.year_figures(
            year, include_demo=programme.is_demo, kinds={o.kind for o in objectives}
        )
        years.append(
            ProgrammeYear(
                year=year,
                rows=tuple(ObjectiveRow(o, computed[o.kind]) for o in objectives),
                report=reports.get(year),
                meeting=meetings.get(year),
                is_over=today.year > year,
            )
        )
    return years


def resource_list(*, user, q: str = "", kind: str = "") -> QuerySet[Resource]:
    """Resources for logged-in partners and holders, searched in title and description."""
    if not user_can(user, "network.resource_view"):
        return Resource.objects.none()
    resources = Resource.objects.all()
    q = q.strip()[:SEARCH_MAX_LENGTH]
    for word in q.split():
        resources = resources.filter(Q(title__icontains=word) | Q(description__icontains=word))
    if kind:
        resources = resources.filter(kind=kind)
    return resources.order_by("-published_on", "title", "pk")


def resource_get(*, user, pk: int) -> Resource | None:
    return resource_list(user=user).filter(pk=pk).first()
