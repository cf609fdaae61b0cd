"""Texts of the e-mails about interests in premises (gettext: English msgids, French in
``locale/fr``); ``services_interest`` sends them after the commit (``send_email`` task)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from tierslieux.core.http import absolute_url
from tierslieux.premises.models import PremisesInterest


def _offer_url(interest: PremisesInterest) -> str:
    return absolute_url(reverse("premises:offer_detail", args=[interest.offer_id]))


def interest_expressed_email(interest: PremisesInterest) -> tuple[str, str]:
    """To the offering authority: a project is interested in its building."""
    subject = _("A project is interested in your building “%(offer)s”") % {
        "offer": interest.offer.title
    }
    body = _(
        "The project “%(project)s” (%(holder)s) is interested in “%(offer)s”.\n\n"
        "%(message)s\n\nSee the interested projects and their eligibility: %(url)s\n"
    ) % {
        "project": interest.project_label,
        "holder": interest.organisation.name,
        "offer": interest.offer.title,
        "message": interest.message,
        "url": _offer_url(interest),
    }
    return subject, body


def interest_accepted_email(interest: PremisesInterest) -> tuple[str, str]:
    """To the holder: the authority chose its project."""
    subject = _("Your project was chosen for “%(offer)s”") % {"offer": interest.offer.title}
    body = _(
        "%(authority)s chose your project “%(project)s” for the building “%(offer)s” in "
        "%(commune)s. A premises agreement is being prepared with the proposed rent; the "
        "authority's contact will get in touch.\n\n%(url)s\n"
    ) % {
        "authority": interest.offer.authority.name,
        "project": interest.project_label,
        "offer": interest.offer.title,
        "commune": interest.offer.commune.name,
        "url": _offer_url(interest),
    }
    return subject, body


def interest_declined_email(interest: PremisesInterest, reason: str) -> tuple[str, str]:
    """To the holder: the authority chose another project, or declined this one."""
    subject = _("Your interest in “%(offer)s” was declined") % {"offer": interest.offer.title}
    body = _(
        "%(authority)s declined the interest of your project “%(project)s” in the building "
        "“%(offer)s”.\n\n%(reason)s\n\nOther buildings are on offer: %(url)s\n"
    ) % {
        "authority": interest.offer.authority.name,
        "project": interest.project_label,
        "offer": interest.offer.title,
        "reason": reason,
        "url": absolute_url(reverse("premises:offer_list")),
    }
    return subject, body
