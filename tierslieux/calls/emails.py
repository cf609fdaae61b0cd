"""The texts of the calls' notification e-mails (French through gettext, English msgids).

Each function returns ``(subject, body)``; ``services`` picks the recipients and sends them with
``transaction.on_commit`` through the ``send_email`` background task.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core.http import absolute_url
from tierslieux.core.money import format_euros


def _holder_link(application) -> str:
    return _("Your application: %(url)s") % {
        "url": absolute_url(reverse("calls:application_detail", args=[application.pk]))
    }


def _instruction_link(application) -> str:
    return _("The application: %(url)s") % {
        "url": absolute_url(reverse("calls:application_instruct", args=[application.pk]))
    }


def state_changed(application, *, to_state_label: str, reason: str = "") -> tuple[str, str]:
    subject = _("Your application “%(title)s”: %(state)s") % {
        "title": application.title,
        "state": to_state_label,
    }
    lines = [
        _("The status of your application “%(title)s” to the call “%(call)s” is now: %(state)s.")
        % {"title": application.title, "call": application.call.name, "state": to_state_label}
    ]
    if reason:
        lines += ["", _("Message from the instruction:"), reason]
    lines += ["", _holder_link(application)]
    return subject, "\n".join(lines)


def decision_made(application, *, accepted: bool, granted_cents: int, reason: str = ""):
    if accepted:
        subject = _("Your application “%(title)s” is accepted") % {"title": application.title}
        body = _(
            "The committee accepted your application “%(title)s” with a grant of %(amount)s."
        ) % {
            "title": application.title,
            "amount": format_euros(granted_cents),
        }
    else:
        subject = _("Your application “%(title)s” is not accepted") % {"title": application.title}
        body = _("The committee did not accept your application “%(title)s”.") % {
            "title": application.title
        }
    if reason:
        body += "\n\n" + reason
    return subject, body + "\n\n" + _holder_link(application)


def holder_acted(application, *, to_state_label: str, reason: str = "") -> tuple[str, str]:
    subject = _("Application “%(title)s”: %(state)s") % {
        "title": application.title,
        "state": to_state_label,
    }
    body = _("The holder of “%(title)s” (%(organisation)s) changed its status to: %(state)s.") % {
        "title": application.title,
        "organisation": application.organisation.name,
        "state": to_state_label,
    }
    if reason:
        body += "\n\n" + reason
    return subject, body + "\n\n" + _instruction_link(application)


def assigned(application) -> tuple[str, str]:
    subject = _("Application “%(title)s” assigned to you") % {"title": application.title}
    body = _("You are now instructing the application “%(title)s” to the call “%(call)s”.") % {
        "title": application.title,
        "call": application.call.name,
    }
    return subject, body + "\n\n" + _instruction_link(application)


def opinion_requested(opinion) -> tuple[str, str]:
    subject = _("Opinion requested on “%(title)s”") % {"title": opinion.application.title}
    body = _(
        "The Région asks for your consultative opinion on the application “%(title)s” "
        "before %(due)s."
    ) % {"title": opinion.application.title, "due": opinion.due_on.strftime("%d/%m/%Y")}
    if opinion.question:
        body += "\n\n" + opinion.question
    url = absolute_url(reverse("calls:opinion_give", args=[opinion.pk]))
    return subject, body + "\n\n" + _("Give your opinion: %(url)s") % {"url": url}


def message_posted(message, *, to_holder: bool) -> tuple[str, str]:
    subject = _("New message on the application “%(title)s”") % {"title": message.application.title}
    link = (_holder_link if to_holder else _instruction_link)(message.application)
    return subject, message.body + "\n\n" + link
