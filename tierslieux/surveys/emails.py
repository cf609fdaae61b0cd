"""The texts of the survey's e-mails (French through gettext, English msgids).

Each function returns ``(subject, body)``; ``services`` sends them after the commit through the
``send_email`` background task. The personal link is the only place where the raw token exists.
"""

from django.utils.translation import gettext as _

from tierslieux.surveys.models import Survey, SurveyInvitation


def _dates(survey: Survey) -> dict[str, str]:
    return {"closes": survey.closes_on.strftime("%d/%m/%Y")}


def invitation(invitation: SurveyInvitation, *, link: str) -> tuple[str, str]:
    survey = invitation.survey
    subject = _("Panorama of tiers-lieux %(year)s: your answers for %(place)s") % {
        "year": survey.year,
        "place": invitation.place.name,
    }
    lines = [
        _("Hello,"),
        "",
        _(
            "Each year the Région and the regional network ask every tiers-lieu a few questions "
            "(users, jobs, turnover, services, governance) to follow the policy and speak up "
            "for the places. It takes about five minutes."
        ),
        "",
        _("Your personal link for %(place)s (no account needed):") % {"place": invitation.place},
        link,
        "",
        _("You can answer until %(closes)s, and change your answers through the same link.")
        % _dates(survey),
        _("Please do not forward this link: it is personal to your tiers-lieu."),
    ]
    return subject, "\n".join(lines)


def reminder(invitation: SurveyInvitation, *, link: str) -> tuple[str, str]:
    survey = invitation.survey
    subject = _("Reminder: panorama of tiers-lieux %(year)s for %(place)s") % {
        "year": survey.year,
        "place": invitation.place.name,
    }
    lines = [
        _("Hello,"),
        "",
        _("We have not received the answers of %(place)s to the panorama of tiers-lieux %(year)s.")
        % {"place": invitation.place.name, "year": survey.year},
        "",
        _("Your personal link (it replaces the one sent earlier):"),
        link,
        "",
        _("You can answer until %(closes)s.") % _dates(survey),
    ]
    return subject, "\n".join(lines)
