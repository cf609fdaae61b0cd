import os

from django.core.management.base import BaseCommand

from tierslieux.accounts.services import demo_admin_ensure, roles_ensure


class Command(BaseCommand):
    help = "Create the role groups, and a demo superuser if the database has none."

    def handle(self, *args, **options):
        roles_ensure()
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        password = os.environ.get("DEMO_ADMIN_PASSWORD", "tiers-lieux-demo")
        user, created = demo_admin_ensure(
            username=username, password=password, email=f"{username}@example.org"
        )
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
