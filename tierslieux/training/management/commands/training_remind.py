"""E-mail a reminder to the people registered to a session starting within N days:
``training_remind`` (N = ``settings.TRAINING_REMINDER_DAYS``) or ``--days N``; run daily."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tierslieux.training import services


class Command(BaseCommand):
    help = "Remind the people registered to the sessions starting within N days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be 1 or more.")
        with translation.override(settings.LANGUAGE_CODE):
            count = services.registrations_remind(days=days)
        self.stdout.write(f"{count} reminder(s) sent.")
