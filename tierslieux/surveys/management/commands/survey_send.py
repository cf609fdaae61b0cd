"""Send the invitations (or the reminders) of a year's survey: ``survey_send --year 2026``."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tierslieux.accounts.models import User
from tierslieux.surveys import services
from tierslieux.surveys.models import Survey


class Command(BaseCommand):
    help = "E-mail each open place its personal link to the year's survey (or remind them)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--base-url",
            required=True,
            help="Public address of the site, put before the personal links (https://…).",
        )
        parser.add_argument(
            "--by", required=True, help="Username of the staff member sending (for the log)."
        )
        parser.add_argument(
            "--reminders", action="store_true", help="Remind the places that have not answered."
        )

    def handle(self, *args, year, base_url, by, reminders, **options):
        survey = Survey.objects.filter(year=year).first()
        if survey is None:
            raise CommandError(f"No survey for {year}.")
        user = User.objects.filter(username=by, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {by!r}.")
        send = services.survey_reminders_send if reminders else services.survey_invitations_send
        with translation.override(settings.LANGUAGE_CODE):
            try:
                report = send(survey=survey, by=user, base_url=base_url)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            except PermissionDenied as exc:
                raise CommandError(f"{by!r} may not run the survey.") from exc
        what = "reminder(s)" if reminders else "invitation(s)"
        self.stdout.write(f"{len(report.sent)} {what} sent.")
        if not reminders:
            self.stdout.write(f"{report.already_invited} place(s) already invited.")
        for place in report.without_email:
            self.stdout.write(f"No e-mail: {place.name} ({place.pk})")
