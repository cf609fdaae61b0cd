from django.core.management.base import BaseCommand

from tierslieux.accounts.services import user_purge_unconfirmed


class Command(BaseCommand):
    help = (
        "Delete the self-registered accounts never confirmed whose confirmation link has "
        "expired (ACCOUNT_CONFIRMATION_MAX_AGE). Run it daily."
    )

    def handle(self, *args, **options):
        count = user_purge_unconfirmed()
        self.stdout.write(f"{count} unconfirmed account(s) deleted.")
