"""API tokens: stored hashed, shown once, revocable; the command and the admin."""

import io

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.api.conftest import bearer
from tierslieux.api.models import ApiToken
from tierslieux.api.services import api_token_create, api_token_hash, api_token_revoke

pytestmark = pytest.mark.django_db


def test_token_is_stored_as_its_hash_only(instructor):
    token, key = api_token_create(user=instructor, name="script")
    assert key.startswith("tl_") and len(key) > 40
    token.refresh_from_db()
    assert token.key_hash == api_token_hash(key)
    assert key not in {token.key_hash, token.key_prefix, token.name}
    assert key.startswith(token.key_prefix)


def test_two_tokens_differ(instructor):
    assert (
        api_token_create(user=instructor, name="a")[1]
        != api_token_create(user=instructor, name="b")[1]
    )


def test_use_records_last_used_at(client, instructor, instructor_token):
    token = ApiToken.objects.get(user=instructor)
    assert token.last_used_at is None
    client.get("/api/places", headers=bearer(instructor_token))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoke(client, instructor):
    token, key = api_token_create(user=instructor, name="x")
    assert client.get("/api/places", headers=bearer(key)).status_code == 200
    api_token_revoke(token=token)
    assert client.get("/api/places", headers=bearer(key)).status_code == 401


def test_command_prints_the_key_once(client, instructor):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token_create", instructor.username, "--name", "Import", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert token.name == "Import"
    assert token.user == instructor
    assert token.key_hash == api_token_hash(key)
    assert "not be shown again" in err.getvalue()
    assert client.get("/api/places", headers=bearer(key)).status_code == 200


def test_command_unknown_user():
    with pytest.raises(CommandError):
        call_command("api_token_create", "nobody", "--name", "x", stdout=io.StringIO())


def test_admin_lists_and_revokes_tokens(client):
    admin = UserFactory(superuser=True)
    token, _key = api_token_create(user=admin, name="mine")
    client.force_login(admin)
    changelist = reverse("admin:api_apitoken_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    response = client.post(
        changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked is True
    assert ApiToken in site._registry
