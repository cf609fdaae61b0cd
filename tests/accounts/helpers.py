"""Read the one-time links the accounts' e-mails carry."""

import re

from django.core import mail

LINK = re.compile(r"https?://\S+")


def last_mail(to: str):
    """The last e-mail sent to ``to``."""
    found = [m for m in mail.outbox if to in m.to]
    assert found, f"no e-mail to {to} in {[m.to for m in mail.outbox]}"
    return found[-1]


def link_in(message, contains: str) -> str:
    """The link of ``message`` whose address contains ``contains``."""
    links = [link for link in LINK.findall(message.body) if contains in link]
    assert links, f"no link with {contains!r} in:\n{message.body}"
    return links[0]


def path_of(link: str, site_url: str) -> str:
    assert link.startswith(site_url + "/"), link
    return link[len(site_url) :]
