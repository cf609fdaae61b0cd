"""Anonymous callers are rate-limited (API_ANON_RATE); token and session users are not."""

import pytest

from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

URL = "/api/departements"


def test_default_rate_is_generous(client):
    for _ in range(10):
        assert client.get(URL).status_code == 200


def test_anonymous_gets_429_past_the_rate(client, settings):
    settings.API_ANON_RATE = "3/m"
    assert [client.get(URL).status_code for _ in range(4)] == [200, 200, 200, 429]
    response = client.get("/api/places")  # the limit is per caller, not per endpoint
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]


def test_limit_is_per_address(client, settings):
    settings.API_ANON_RATE = "1/m"
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    assert client.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_token_and_session_users_are_not_throttled(client, settings, holder, holder_token):
    settings.API_ANON_RATE = "1/m"
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    for _ in range(3):
        assert client.get(URL, headers=bearer(holder_token)).status_code == 200
    client.force_login(holder)
    for _ in range(3):
        assert client.get(URL).status_code == 200


def test_a_bad_token_is_throttled_like_anonymous(client, settings):
    settings.API_ANON_RATE = "1/m"
    assert client.get(URL, headers=bearer("tl_wrong")).status_code == 401
    assert client.get(URL, headers=bearer("tl_wrong")).status_code == 429
