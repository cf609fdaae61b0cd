"""The product's clock: the one place where the code asks what time it is.

Every record stamp, every service rule that depends on the date and every page that shows
"today" reads ``clock.now()`` or ``clock.today()``. Outside any ``clock.at(...)`` block they are
Django's ``timezone.now()`` and ``timezone.localdate()``, so a test's own time tools keep
working. Inside ``with clock.at(moment):`` they answer ``moment`` instead: that is how the demo
records replay ten years of history through the real services, and how a command can run
"as of" a date, without patching anything.

The moment lives in a ``ContextVar``: it is local to the current thread and to the current
asyncio task, so two requests or two tasks never see each other's moment.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
from collections.abc import Iterator

from django.utils import timezone

_moment: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "tierslieux_clock_moment", default=None
)


def now() -> datetime.datetime:
    """The current moment (aware), or the moment set by the innermost ``at`` block."""
    moment = _moment.get()
    return moment if moment is not None else timezone.now()


def today() -> datetime.date:
    """The current date in the project's time zone (``TIME_ZONE``)."""
    return timezone.localdate(now())


def _aware(moment: datetime.datetime | datetime.date) -> datetime.datetime:
    if not isinstance(moment, datetime.datetime):
        # A date alone means the start of office hours that day, in the project's time zone.
        moment = datetime.datetime.combine(moment, datetime.time(9))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@contextlib.contextmanager
def at(moment: datetime.datetime | datetime.date) -> Iterator[datetime.datetime]:
    """Within the block, ``now()`` answers ``moment`` (a naive moment or a date is taken in the
    project's time zone; a date means 9:00 that day). Blocks nest; leaving one restores the
    moment of the enclosing block. Yields the aware moment."""
    aware = _aware(moment)
    token = _moment.set(aware)
    try:
        yield aware
    finally:
        _moment.reset(token)


def is_set() -> bool:
    """Whether a moment is set (inside an ``at`` block)."""
    return _moment.get() is not None
