import pytest
from auditlog.models import LogEntry
from django.core.management import call_command

from tests.accounts.factories import UserFactory
from tierslieux.accounts.models import User
from tierslieux.accounts.services import demo_admin_ensure, user_set_roles
from tierslieux.core.permissions import user_roles
from tierslieux.core.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_admin_is_created_once(capsys, settings):
    settings.DEBUG = True  # development only (tests/accounts/test_production_rules.py)
    call_command("ensure_demo_admin")
    assert "Demo administrator created" in capsys.readouterr().out
    call_command("ensure_demo_admin")
    assert "exists already" in capsys.readouterr().out
    assert User.objects.filter(is_superuser=True).count() == 1


def test_demo_admin_is_not_created_when_a_superuser_exists(settings):
    settings.DEBUG = True
    UserFactory(username="boss", superuser=True)
    user, created = demo_admin_ensure(username="admin", password="x-long-pass", email="a@b.fr")
    assert (user.username, created) == ("boss", False)


def test_setting_roles_is_audited():
    user = UserFactory()
    user_set_roles(user=user, roles=[Role.NETWORK, Role.READER])
    assert user_roles(User.objects.get(pk=user.pk)) == {Role.PUBLIC, Role.NETWORK, Role.READER}
    assert LogEntry.objects.get_for_object(user).exists()


def test_account_page_needs_login(client):
    assert client.get("/comptes/mon-compte/").status_code == 302
    client.force_login(UserFactory(network=True))
    assert "Réseau régional" in client.get("/comptes/mon-compte/").content.decode()


def test_purge_command_runs(capsys):
    call_command("accounts_purge_unconfirmed")
    assert "0 unconfirmed account(s) deleted." in capsys.readouterr().out
