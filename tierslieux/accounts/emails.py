"""The accounts' e-mails: rendered from ``templates/accounts/emails/<name>_subject.txt`` and
``<name>_body.txt`` in the current language, sent once the transaction commits.

Links are absolute, built from ``settings.SITE_URL``, never from a request's Host header.
These e-mails carry one-time links, so they are sent by the web process right after the commit
(as Django's password reset does) rather than through the task queue, whose arguments are
stored: no token is ever written to the database or to a queue.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from tierslieux.core import http


def absolute_url(view_name: str, *args: object) -> str:
    """The absolute address of a page of the site, from ``SITE_URL`` (``core.http``)."""
    return http.absolute_url(reverse(view_name, args=args))


def send_after_commit(name: str, *, to: str, context: dict) -> None:
    """Render the e-mail ``name`` now (in the active language) and send it after the commit."""
    full = {
        "site_url": settings.SITE_URL,
        "region_name": settings.TERRITORY_REGION_NAME,
        "login_url": absolute_url("accounts:login"),
        **context,
    }
    subject = " ".join(render_to_string(f"accounts/emails/{name}_subject.txt", full).split())
    body = render_to_string(f"accounts/emails/{name}_body.txt", full).strip() + "\n"

    def send() -> None:
        send_mail(subject, body, None, [to])

    transaction.on_commit(send, robust=True)
