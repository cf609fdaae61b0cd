from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tierslieux.api.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (once: only its hash is stored)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")

    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {options['username']!r}.") from exc
        token, key = api_token_create(user=user, name=options["name"])
        self.stderr.write(
            f"Token {token.name!r} created for {user.username!r}. Copy it now, it is not "
            "stored and will not be shown again:"
        )
        self.stdout.write(key)
