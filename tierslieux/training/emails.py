"""The texts of the training e-mails (English msgids). Each returns ``(subject, body)``;
``services`` sends them after the commit through the ``send_email`` background task. The
cancellation link is the only place where the raw token exists."""

from django.utils import timezone
from django.utils.translation import gettext as _

from tierslieux.training.models import Registration


def _facts(registration: Registration) -> dict[str, str]:
    session = registration.session
    return {
        "course": session.course.title,
        "place": session.place.name,
        "date": timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M"),
    }


def confirmation(registration: Registration, *, link: str) -> tuple[str, str]:
    facts = _facts(registration)
    subject = _("Registration confirmed: %(course)s on %(date)s") % facts
    lines = [
        _("Hello %(name)s,") % {"name": registration.name},
        "",
        _("Your registration to “%(course)s” on %(date)s at %(place)s is confirmed.") % facts,
        "",
        _("If you cannot come, please cancel through your personal link:"),
        link,
    ]
    return subject, "\n".join(lines)


def waitlisted(registration: Registration, *, link: str) -> tuple[str, str]:
    facts = _facts(registration)
    subject = _("Waiting list: %(course)s on %(date)s") % facts
    lines = [
        _("Hello %(name)s,") % {"name": registration.name},
        "",
        _(
            "The session “%(course)s” on %(date)s at %(place)s is full: you are on its "
            "waiting list. We will write to you if a seat becomes free."
        )
        % facts,
        "",
        _("To leave the waiting list, use your personal link:"),
        link,
    ]
    return subject, "\n".join(lines)


def promoted(registration: Registration) -> tuple[str, str]:
    facts = _facts(registration)
    subject = _("A seat is free for you: %(course)s on %(date)s") % facts
    lines = [
        _("Hello %(name)s,") % {"name": registration.name},
        "",
        _(
            "A seat became free: your registration to “%(course)s” on %(date)s at %(place)s "
            "is now confirmed. Your personal link, sent earlier, still cancels it."
        )
        % facts,
    ]
    return subject, "\n".join(lines)


def cancelled(registration: Registration) -> tuple[str, str]:
    facts = _facts(registration)
    subject = _("Registration cancelled: %(course)s on %(date)s") % facts
    lines = [
        _("Hello %(name)s,") % {"name": registration.name},
        "",
        _("Your registration to “%(course)s” on %(date)s is cancelled.") % facts,
    ]
    return subject, "\n".join(lines)


def reminder(registration: Registration) -> tuple[str, str]:
    facts = _facts(registration)
    subject = _("Reminder: %(course)s on %(date)s") % facts
    lines = [
        _("Hello %(name)s,") % {"name": registration.name},
        "",
        _("The training “%(course)s” starts on %(date)s at %(place)s.") % facts,
        _("If you cannot come, please cancel through the personal link of your confirmation."),
    ]
    return subject, "\n".join(lines)
