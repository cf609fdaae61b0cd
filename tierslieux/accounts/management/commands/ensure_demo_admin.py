from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tierslieux.accounts.services import DemoAdminRefused, demo_admin_ensure, roles_ensure


class Command(BaseCommand):
    help = "Create the role groups, and a demo superuser if the database has none."

    def handle(self, *args, **options):
        roles_ensure()
        username = settings.DEMO_ADMIN_USERNAME
        password = settings.DEMO_ADMIN_PASSWORD
        try:
            user, created = demo_admin_ensure(
                username=username, password=password, email=f"{username}@example.org"
            )
        except DemoAdminRefused as error:
            raise CommandError(str(error)) from error
        if created:
            self.stdout.write(
                self.style.WARNING(
                    "Demo administrator created (DEMO account, change its password): "
                    f"log in at http://127.0.0.1:8000/admin/ as {username!r} "
                    f"with password {password!r}."
                )
            )
        else:
            self.stdout.write(f"An administrator exists already ({user.username!r}).")
