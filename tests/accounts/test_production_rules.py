"""Production rules on accounts (ADR 0013): the demo administrator is never created nor accepted
when DEBUG is off, and failed logins lock an account and an address for a while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command

from tests.accounts.factories import UserFactory
from tierslieux.accounts.models import User
from tierslieux.accounts.services import DEMO_ADMIN_DEFAULT_PASSWORD, demo_admin_ensure

pytestmark = pytest.mark.django_db

LOGIN = "/comptes/connexion/"
GOOD = "correct-horse-battery"


def _login(client, username, password, address="10.0.0.1"):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


# --- The demo administrator ---------------------------------------------------------------


def test_ensure_demo_admin_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only created in development"):
        call_command("ensure_demo_admin")
    assert not User.objects.filter(is_superuser=True).exists()


def test_demo_admin_logs_in_during_development(client, settings):
    settings.DEBUG = True
    demo_admin_ensure(username="admin", password=DEMO_ADMIN_DEFAULT_PASSWORD, email="a@b.fr")
    assert _logged_in(_login(client, "admin", DEMO_ADMIN_DEFAULT_PASSWORD))


def test_demo_admin_left_by_a_development_run_is_refused_in_production(client, settings):
    settings.DEBUG = True
    demo_admin_ensure(username="admin", password=DEMO_ADMIN_DEFAULT_PASSWORD, email="a@b.fr")
    settings.DEBUG = False
    response = _login(client, "admin", DEMO_ADMIN_DEFAULT_PASSWORD)
    assert response.status_code == 200  # the form again, with its error
    assert "_auth_user_id" not in client.session
    # The admin's own login page refuses it as well.
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": DEMO_ADMIN_DEFAULT_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_former_demo_admin_logs_in_in_production_once_its_password_changed(client, settings):
    settings.DEBUG = True
    user, _ = demo_admin_ensure(
        username="admin", password=DEMO_ADMIN_DEFAULT_PASSWORD, email="a@b.fr"
    )
    user.set_password("a-new-long-passphrase")
    user.save()
    settings.DEBUG = False
    assert _logged_in(_login(client, "admin", "a-new-long-passphrase"))


def test_any_account_with_the_demo_password_is_refused_in_production(client, settings):
    settings.DEBUG = False
    UserFactory(username="bob", password=DEMO_ADMIN_DEFAULT_PASSWORD)
    assert not _logged_in(_login(client, "bob", DEMO_ADMIN_DEFAULT_PASSWORD))


# --- Login throttling -----------------------------------------------------------------------


def test_twenty_wrong_passwords_lock_the_account_until_the_cool_off(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 20
    UserFactory(username="alice")
    for _ in range(19):
        response = _login(client, "alice", "wrong-password")
        assert response.status_code == 200  # the form with its error, not yet locked
    response = _login(client, "alice", "wrong-password")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()

    # The right password is refused while locked, from this address and from any other.
    for address in ("10.0.0.1", "192.0.2.7"):
        response = _login(client, "alice", GOOD, address=address)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    # After the cool-off (the failures dated back by its length), the right password works.
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert _logged_in(_login(client, "alice", GOOD, address="192.0.2.7"))


def test_another_account_from_another_address_is_unaffected(client, settings):
    UserFactory(username="alice")
    UserFactory(username="carol")
    for _ in range(20):
        _login(client, "alice", "wrong-password")
    assert _login(client, "alice", GOOD).status_code == 429
    assert _logged_in(_login(client, "carol", GOOD, address="192.0.2.8"))


def test_twenty_failures_from_one_address_lock_that_address_for_every_account(client, settings):
    UserFactory(username="carol")
    for n in range(20):  # one guess per account: a password-spraying run
        _login(client, f"nobody{n}", "wrong-password", address="203.0.113.5")
    assert _login(client, "carol", GOOD, address="203.0.113.5").status_code == 429
    assert _logged_in(_login(client, "carol", GOOD, address="198.51.100.9"))


def test_the_address_is_the_client_behind_the_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="carol")
    for n in range(20):
        client.post(
            LOGIN,
            {"username": f"nobody{n}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.254",  # the proxy
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # Another client behind the same proxy is not locked out with the first one.
    response = client.post(
        LOGIN,
        {"username": "carol", "password": GOOD},
        REMOTE_ADDR="10.0.0.254",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )
    assert _logged_in(response)
