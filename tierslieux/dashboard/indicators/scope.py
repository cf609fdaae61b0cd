"""What one indicator function is given: the records, a date, a territory and the options.

A ``Scope`` also keeps what several indicators share (the open places of the territory, the
latest survey's answers, the money table), computed once per scope. Pure: no database.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from tierslieux.dashboard.indicators.codes import Definition
from tierslieux.dashboard.indicators.data import Params, Place, Records, latest, within
from tierslieux.dashboard.indicators.results import Indicator

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    records: Records
    params: Params
    on: datetime.date
    departement: str | None
    """None for the region."""
    since: int
    survival_years: int
    coverage: dict[str, tuple[float, float]] | None = None
    """(inhabitants, inhabitants covered) per département, None when not computed."""
    coverage_date: datetime.date | None = None
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def regional(self) -> bool:
        return self.departement is None

    @cached_property
    def here(self) -> list[Place]:
        """The places of the territory (any state, counted or not)."""
        return [p for p in self.records.places if within(p.departement, self.departement)]

    @cached_property
    def open_here(self) -> list[Place]:
        """The counted places of the territory open on the date."""
        return [p for p in self.here if p.counted and p.open_on(self.on)]

    @property
    def n_open(self) -> int:
        return len(self.open_here)

    @cached_property
    def places_date(self) -> datetime.date | None:
        """The latest change of a counted place of the territory, on or before the date."""
        return latest(p.last_change_on(self.on) for p in self.here if p.counted)

    def shared(self, compute: Callable[[Scope], T]) -> T:
        """``compute(self)``, computed once for this scope."""
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        return self._memo[compute]

    def row(
        self,
        definition: Definition,
        value: float | int | None,
        *,
        numerator: float | int | None = None,
        denominator: float | int | None = None,
        data_date: datetime.date | None = None,
        published: bool | None = None,
        note: str = "",
    ) -> Indicator:
        """The figure of ``definition``; the Région's published figure is given for the region
        only (or when ``published`` says so)."""
        show_published = self.regional if published is None else published
        return Indicator(
            code=definition.code,
            label=str(definition.label),
            value=value,
            unit=definition.unit,
            numerator=numerator,
            denominator=denominator,
            data_date=data_date,
            definition=str(definition.definition),
            published=definition.published if show_published else None,
            note=note,
        )
