"""Texts of the e-mails about agreements (gettext: English msgids, French in ``locale/fr``)."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tierslieux.agreements.selectors import Reminders


def _meeting_line(milestone) -> str:
    return _("%(date)s — %(meeting)s — %(agreement)s") % {
        "date": date_format(milestone.planned_on, "SHORT_DATE_FORMAT"),
        "meeting": milestone.get_kind_display(),
        "agreement": milestone.agreement,
    }


def reminders_email(reminders: Reminders) -> tuple[str, str]:
    """Subject and body of an instructor's daily reminders."""
    subject = _("Agreements: your reminders of %(date)s") % {
        "date": date_format(reminders.on, "SHORT_DATE_FORMAT")
    }
    sections: list[str] = []
    if reminders.overdue:
        sections.append(
            "\n".join(
                [_("Overdue meetings:"), *("- " + _meeting_line(m) for m in reminders.overdue)]
            )
        )
    if reminders.upcoming:
        sections.append(
            "\n".join(
                [_("Upcoming meetings:"), *("- " + _meeting_line(m) for m in reminders.upcoming)]
            )
        )
    if reminders.reports_due:
        sections.append(
            "\n".join(
                [
                    _("Meeting reports to complete:"),
                    *("- " + _meeting_line(m) for m in reminders.reports_due),
                ]
            )
        )
    if reminders.renewals:
        sections.append(
            "\n".join(
                [
                    _("Premises agreements to renew:"),
                    *(
                        "- "
                        + _("%(date)s — %(premises)s")
                        % {
                            "date": date_format(p.renewal_on, "SHORT_DATE_FORMAT"),
                            "premises": p,
                        }
                        for p in reminders.renewals
                    ),
                ]
            )
        )
    return subject, "\n\n".join(sections) + "\n"
