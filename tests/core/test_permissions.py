"""The one permission helper: roles per action, superusers, inactive users, object rules."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.accounts.factories import UserFactory
from tierslieux.core import permissions
from tierslieux.core.permissions import user_can, user_roles
from tierslieux.core.roles import Role

# Tests that read the database say so one by one: the others check pure rules.


def test_anonymous_is_public_only():
    anonymous = AnonymousUser()
    assert user_roles(anonymous) == {Role.PUBLIC}
    assert user_can(anonymous, "territory.view")
    assert not user_can(anonymous, "territory.run_analysis")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trait", "allowed"),
    [("holder", False), ("authority", False), ("instructor", True), ("network", True)],
)
def test_run_analysis_per_role(trait, allowed):
    user = UserFactory(**{trait: True})
    assert user_can(user, "territory.run_analysis") is allowed


@pytest.mark.django_db
def test_superuser_may_do_everything_but_not_when_inactive():
    admin = UserFactory(superuser=True)
    assert user_can(admin, "audit.view")
    admin.is_active = False
    assert not user_can(admin, "audit.view")


def test_unknown_action_is_a_programming_error():
    with pytest.raises(KeyError):
        user_can(AnonymousUser(), "no.such.action")


@pytest.mark.django_db
def test_object_rule_restricts_an_action(monkeypatch):
    monkeypatch.setitem(permissions.ACTION_ROLES, "demo.edit", frozenset({Role.HOLDER}))
    monkeypatch.setattr(permissions, "_OBJECT_RULES", {})
    permissions.register_object_rule("demo.edit", lambda user, obj: obj == user.username)
    holder = UserFactory(holder=True)
    assert user_can(holder, "demo.edit")
    assert user_can(holder, "demo.edit", holder.username)
    assert not user_can(holder, "demo.edit", "someone-else")
