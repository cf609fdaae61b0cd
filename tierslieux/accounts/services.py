"""Writes on accounts: roles, demo administrator."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from tierslieux.accounts.models import User
from tierslieux.core.roles import ASSIGNABLE_ROLES, Role

# Printed in the README for development: never accepted when DEBUG is off (accounts.backends).
DEMO_ADMIN_DEFAULT_PASSWORD = "tiers-lieux-demo"


class DemoAdminRefused(Exception):
    """The demo administrator is a development convenience: refused in production."""


def roles_ensure() -> list[Group]:
    """Create the group of every assignable role if missing; return them in role order."""
    return [Group.objects.get_or_create(name=role.value)[0] for role in ASSIGNABLE_ROLES]


@transaction.atomic
def user_set_roles(*, user: User, roles: list[Role], by: Any = None) -> User:
    """Give ``user`` exactly ``roles`` (the audit log records the change of groups)."""
    roles_ensure()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    user.__dict__.pop("_role_cache", None)
    return user


@transaction.atomic
def demo_admin_ensure(*, username: str, password: str, email: str) -> tuple[User, bool]:
    """Create a superuser if the database has none; return it and whether it was created.

    Development only: refused when DEBUG is off, since its password is published.
    """
    if not settings.DEBUG:
        raise DemoAdminRefused(
            "The demo administrator is only created in development (DJANGO_DEBUG=true). "
            "In production create the first administrator with `manage.py createsuperuser`."
        )
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing is not None:
        return existing, False
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_set_roles(user=user, roles=[Role.INSTRUCTOR])
    return user, True
