"""Rate limits: anonymous callers per address (API_ANON_RATE), users per user (API_AUTH_RATE)."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache.backends.locmem import LocMemCache
from django.test import RequestFactory

from tests.api.conftest import bearer
from tierslieux.api.checks import check_api_rates
from tierslieux.api.throttling import ApiAnonRateThrottle, parse_rate

URL = "/api/departements"
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_default_rate_is_generous(client):
    for _ in range(10):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_sixth_anonymous_call_answers_429_at_5_per_minute(client, settings):
    settings.API_ANON_RATE = "5/m"
    assert [client.get(URL).status_code for _ in range(6)] == [200] * 5 + [429]
    response = client.get("/api/places")  # the limit is per caller, not per endpoint
    assert response.status_code == 429
    # Up to the next window, plus the part of it where this one still weighs too much.
    assert 0 < int(response["Retry-After"]) <= 2 * 60
    assert response.json()["detail"]


def test_rates_are_read_from_the_environment(tmp_path):
    """The README documents API_ANON_RATE / API_AUTH_RATE as environment variables."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TIERSLIEUX_VAR_DIR": str(tmp_path),
        "API_ANON_RATE": "5/m",
        "API_AUTH_RATE": "70/h",
    }
    code = "from django.conf import settings; print(settings.API_ANON_RATE, settings.API_AUTH_RATE)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout.split() == ["5/m", "70/h"]


@pytest.mark.django_db
def test_a_rotating_x_forwarded_for_does_not_bypass_the_limit(client, settings):
    settings.API_ANON_RATE = "5/m"
    settings.TRUSTED_PROXY_COUNT = 0
    statuses = [
        client.get(URL, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(20)
    ]
    assert statuses == [200] * 5 + [429] * 15


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client, settings):
    settings.API_ANON_RATE = "2/m"
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def get(client_address: str, forged: str = "") -> int:
        chain = f"{forged}, {client_address}" if forged else client_address
        return client.get(URL, HTTP_X_FORWARDED_FOR=chain, **proxy).status_code

    assert [get("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert [get("203.0.113.2") for _ in range(3)] == [200, 200, 429]
    # What the client wrote left of what the proxy appended changes nothing.
    assert get("203.0.113.1", forged="192.0.2.99") == 429


@pytest.mark.django_db
def test_limit_is_per_address(client, settings):
    settings.API_ANON_RATE = "1/m"
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    assert client.get(URL, REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.django_db
def test_token_and_session_users_have_their_own_budget(client, settings, holder, holder_token):
    settings.API_ANON_RATE = "1/m"
    settings.API_AUTH_RATE = "3/m"
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 429
    statuses = [client.get(URL, headers=bearer(holder_token)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # The budget is the user's, whether by token or by session, from any address.
    client.force_login(holder)
    assert client.get(URL, REMOTE_ADDR="192.0.2.8").status_code == 429


@pytest.mark.django_db
def test_users_are_not_limited_when_the_rate_is_empty(client, settings, holder_token):
    settings.API_AUTH_RATE = ""
    settings.API_ANON_RATE = "1/m"
    for _ in range(5):
        assert client.get(URL, headers=bearer(holder_token)).status_code == 200


@pytest.mark.django_db
def test_a_bad_token_is_throttled_like_anonymous(client, settings):
    settings.API_ANON_RATE = "1/m"
    assert client.get(URL, headers=bearer("tl_wrong")).status_code == 401
    assert client.get(URL, headers=bearer("tl_wrong")).status_code == 429


def _anonymous_request(address: str = "192.0.2.50"):
    request = RequestFactory().get(URL, REMOTE_ADDR=address)
    request.user = AnonymousUser()
    return request


class NetworkLikeLocMemCache(LocMemCache):
    """The local-memory cache with a network round trip before each call, like Redis's.

    Each call stays atomic (add/incr run under the cache's lock), but other threads run while
    a caller waits for its answer, as they do against a real cache server.
    """

    def get(self, *args, **kwargs):
        time.sleep(0.0005)
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        time.sleep(0.0005)
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        time.sleep(0.0005)
        return super().add(*args, **kwargs)

    def incr(self, *args, **kwargs):
        time.sleep(0.0005)
        return super().incr(*args, **kwargs)


def test_concurrent_callers_never_get_more_than_the_rate(settings):
    """8 threads x 40 requests from one address at 50/h: exactly 50 let through."""
    settings.CACHES = {
        "default": {
            "BACKEND": f"{__name__}.NetworkLikeLocMemCache",
            "LOCATION": "throttle-concurrency",
        }
    }
    settings.API_ANON_RATE = "50/h"
    throttle = ApiAnonRateThrottle()
    start = threading.Barrier(8)
    allowed = []
    lock = threading.Lock()

    def client_thread() -> None:
        start.wait()
        mine = sum(throttle.allow_request(_anonymous_request()) for _ in range(40))
        with lock:
            allowed.append(mine)

    threads = [threading.Thread(target=client_thread) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 50


def test_the_window_slides_instead_of_resetting(settings):
    """No burst of twice the rate around a window boundary."""
    settings.API_ANON_RATE = "4/m"
    now = [120.0 + 50]  # 50 s into a window
    throttle = ApiAnonRateThrottle(timer=lambda: now[0])
    request = _anonymous_request("192.0.2.60")
    assert [throttle.allow_request(request) for _ in range(5)] == [True] * 4 + [False]
    # Next window (in 10 s), these four weigh 4 * (1 - e): a fifth fits at e = 1/4, 15 s later.
    assert 25 <= throttle.wait() <= 26
    now[0] = 180.0  # a new window: the previous one still weighs 4 * (1 - 0) = 4
    assert throttle.allow_request(request) is False
    now[0] = 180.0 + 30  # half-way: 4 * 0.5 = 2, room for 2
    assert [throttle.allow_request(request) for _ in range(3)] == [True, True, False]
    assert throttle.wait() == 15  # at 3/4 of the window the previous one weighs 1


def test_rates_are_parsed_and_bad_ones_reported(settings):
    assert parse_rate("120/m") == (120, 60)
    assert parse_rate("1000/5m") == (1000, 300)
    assert parse_rate("") is None
    for bad in ("abc", "10", "10/fortnight", "0/m", "-1/m"):
        with pytest.raises(ValueError):
            parse_rate(bad)
    settings.API_ANON_RATE = "lots"
    assert [e.id for e in check_api_rates()] == ["api.E001"]
