"""Professionalisation through the facilitator: facilitators certified (training cohorts of the
regional network, ADR 0033). Pure: a function of a ``Scope``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from tierslieux.dashboard.indicators.codes import Code, Definition, Unit
from tierslieux.dashboard.indicators.data import latest, within
from tierslieux.dashboard.indicators.results import Indicator
from tierslieux.dashboard.indicators.scope import Scope

CERTIFIED_FACILITATORS = Definition(
    Code.CERTIFIED_FACILITATORS,
    _("Certified facilitators"),
    Unit.COUNT,
    _(
        "Trainees of the regional network's cohorts who obtained the facilitator "
        "certification on or before the date. Per département, by the tiers-lieu each works "
        "in; the region counts every certification, those without a known place included."
    ),
)


def certified_facilitators(s: Scope) -> Indicator:
    days = [
        on
        for on, dep in s.records.certifications
        if on <= s.on and (s.regional or within(dep, s.departement))
    ]
    return s.row(CERTIFIED_FACILITATORS, len(days), numerator=len(days), data_date=latest(days))
