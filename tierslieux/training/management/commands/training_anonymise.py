"""Anonymise the personal data of training registrations N months after their session:
``training_anonymise`` (N = ``settings.TRAINING_PERSONAL_DATA_MONTHS``) or ``--months N``."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tierslieux.training import services


class Command(BaseCommand):
    help = "Anonymise the registrations to sessions that ended more than N months ago."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=None)

    def handle(self, *args, months, **options):
        if months is not None and months < 0:
            raise CommandError("--months must be 0 or more.")
        with translation.override(settings.LANGUAGE_CODE):
            count = services.registrations_anonymise(months=months)
        self.stdout.write(f"{count} registration(s) anonymised.")
