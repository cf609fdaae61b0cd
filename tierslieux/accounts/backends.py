"""Authentication: the model backend, with the production rule on the demo administrator."""

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tierslieux.accounts.services import DEMO_ADMIN_DEFAULT_PASSWORD


class AccountBackend(ModelBackend):
    """Django's model backend, refusing the published demo password when DEBUG is off.

    `make run` creates the demo administrator with a password printed in the README. A database
    that served as a demonstration and then goes to production must not keep that door open, so
    in production (DEBUG off) a login with the demo password is refused whoever the account is;
    an account whose password was changed logs in as usual (ADR 0013). Comparing the submitted
    password costs nothing, unlike hashing the demo password against every account.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if not settings.DEBUG and password == DEMO_ADMIN_DEFAULT_PASSWORD:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
