"""What the places answer in the yearly survey: services beyond the workspace, confidence in the
business model (the latest survey on or before the date).

Each indicator is a ``Definition`` and a pure function of a ``Scope``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from tierslieux.dashboard.indicators.codes import Code, Definition, Unit
from tierslieux.dashboard.indicators.data import Records, Response, Survey, latest, share, within
from tierslieux.dashboard.indicators.results import Indicator
from tierslieux.dashboard.indicators.scope import Scope


def latest_survey(records: Records, on: datetime.date) -> Survey | None:
    """The survey of the highest year opened on or before ``on``."""
    started = [s for s in records.surveys if s.opens_on <= on]
    return max(started, key=lambda s: (s.year, s.opens_on)) if started else None


@dataclass(frozen=True)
class Answers:
    """The answers of the latest survey received by the date, in the territory."""

    survey: Survey | None
    answers: tuple[Response, ...]

    @property
    def date(self) -> datetime.date | None:
        return latest(r.submitted_on for r in self.answers)

    @property
    def note(self) -> str:
        if self.survey is None:
            return str(gettext_now("no survey"))
        return str(
            gettext_now("survey %(year)d, %(count)d answers")
            % {"year": self.survey.year, "count": len(self.answers)}
        )


def scope_answers(s: Scope) -> Answers:
    survey = latest_survey(s.records, s.on)
    answers = tuple(
        r
        for r in (s.records.responses.get(survey.id, ()) if survey else ())
        if r.submitted_on <= s.on and within(r.departement, s.departement)
    )
    return Answers(survey, answers)


SERVICES_SHARE = Definition(
    Code.SERVICES_SHARE,
    _("Share offering services beyond the workspace"),
    Unit.SHARE,
    _(
        "Among the open tiers-lieux whose services are known, the share offering at "
        "least one service beyond the workspace. Services are those the place declared "
        "in the latest survey on or before the date, else those of its directory entry; "
        "places with neither are left out."
    ),
    published=0.98,
)


def services_share(s: Scope) -> Indicator:
    found = s.shared(scope_answers)
    answered = {r.place_id: r for r in found.answers}
    known = offering = 0
    for p in s.open_here:
        if p.id in answered:
            services = answered[p.id].services
        elif p.services:
            services = p.services
        else:
            continue
        known += 1
        offering += bool(services)
    return s.row(
        SERVICES_SHARE,
        share(offering, known),
        numerator=offering,
        denominator=known,
        data_date=latest([found.date, s.places_date]),
        note=found.note,
    )


UNSURE_SHARE = Definition(
    Code.UNSURE_SHARE,
    _("Share unsure of their business model"),
    Unit.SHARE,
    _(
        "Answers of the latest survey of places on or before the date (received by "
        "then) saying they are unsure or very unsure of their business model, divided "
        "by all answers of that survey in the territory."
    ),
    published=0.60,
)


def unsure_share(s: Scope) -> Indicator:
    found = s.shared(scope_answers)
    unsure = sum(1 for r in found.answers if r.unsure)
    return s.row(
        UNSURE_SHARE,
        share(unsure, len(found.answers)),
        numerator=unsure,
        denominator=len(found.answers),
        data_date=found.date,
        note=found.note,
    )
