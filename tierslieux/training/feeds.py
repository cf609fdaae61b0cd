"""The iCalendar feed of upcoming training sessions (RFC 5545), per place or per département."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from tierslieux.core import clock
from tierslieux.core.http import absolute_url
from tierslieux.training.models import Session


def sessions_calendar(sessions: Iterable[Session], *, name: str, domain: str) -> bytes:
    """The calendar of ``sessions``: one VEVENT per session, with a stable UID."""
    calendar = Calendar()
    calendar.add("prodid", "-//Tiers-lieux//Training sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = clock.now()
    for session in sessions:
        event = Event()
        event.add("uid", f"training-session-{session.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", session.course.title)
        place = session.place
        event.add("location", ", ".join(p for p in (place.name, place.address, place.city) if p))
        event.add(
            "description",
            _("%(format)s session, %(seats)s seats. Trainer: %(trainer)s.")
            % {
                "format": session.get_format_display(),
                "seats": session.seats,
                "trainer": session.course.trainer,
            },
        )
        event.add("url", absolute_url(session.get_absolute_url()))
        calendar.add_component(event)
    return calendar.to_ical()
