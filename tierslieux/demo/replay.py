"""Replaying history through the real services, without patching anything.

Time: each replayed step runs inside ``with clock.at(moment):`` (``core.clock``), so each rule
checked against "today" (a call open for applications, a meeting not recorded before it is
held, a creation project in a white zone on the day it is submitted) is checked on the
simulated day, and every stamp a service writes (logs, decision and meeting times,
``created_at``) is that moment. ``ReplayClock.step(day)`` leaves the block of the previous step
and enters the block of the next one; successive steps of a day get successive minutes from
9:00, so that the logs keep their order.

E-mails: the services are called with ``notify=False``. The audit log: not written while
replaying (``auditlog.context.disable_auditlog``, the library's public switch). Validation:
every record goes through ``full_clean`` and the services' own checks, as on the pages.
The mesh figures computed at submission: the gains of every commune are computed once
(``territory.mesh.candidates_marginal_gains``) and passed to the services as ``mesh_gain``.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from typing import Any

from auditlog.context import disable_auditlog

from tierslieux.core import clock
from tierslieux.territory import mesh

MINUTES_PER_DAY = 480
"""Office hours: the steps of a day are stamped from 9:00, one minute apart."""


class ReplayClock:
    """The simulated clock: ``step(day)`` starts the next step of the replay on ``day``."""

    def __init__(self) -> None:
        self._minute = 0
        self._stack: contextlib.ExitStack | None = None

    def step(self, day: datetime.date) -> datetime.datetime:
        """Leave the previous step's ``clock.at`` block and enter the next one, at the next
        minute of office hours on ``day``. Returns the moment."""
        self._minute = (self._minute + 1) % MINUTES_PER_DAY
        moment = datetime.datetime.combine(day, datetime.time(9 + self._minute // 60))
        moment += datetime.timedelta(minutes=self._minute % 60)
        self.close()
        self._stack = contextlib.ExitStack()
        return self._stack.enter_context(clock.at(moment))

    def close(self) -> None:
        """Leave the current step's block (the real time again)."""
        if self._stack is not None:
            self._stack.close()
            self._stack = None


@contextlib.contextmanager
def replaying(replay_clock: ReplayClock) -> Iterator[ReplayClock]:
    """The replay: no audit log rows; on leaving, the clock is the real one again."""
    with disable_auditlog():
        try:
            yield replay_clock
        finally:
            replay_clock.close()


class GainTable:
    """``mesh_gain`` for the services: the inhabitants a new place at a commune's town hall
    would bring, looked up in the gains computed once; any other point is computed."""

    def __init__(self, gains: dict[tuple[float, float], int]) -> None:
        self.gains = gains

    def __call__(self, params: Any, *, lon: float, lat: float) -> int:
        found = self.gains.get((lon, lat))
        return found if found is not None else mesh.site_marginal_gain(params, lon=lon, lat=lat)
