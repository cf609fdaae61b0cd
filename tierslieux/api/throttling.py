"""Rate limits of the API (ADR 0006): ``API_ANON_RATE`` per client address for anonymous callers,
``API_AUTH_RATE`` per user for token and session users.

Counting is a sliding window approximated from two fixed windows (the current one and the one
before, weighted by how much of it still overlaps the last ``duration`` seconds), as done by
large CDNs: no burst of twice the rate at a window boundary, and two counters per caller only.

Each request is counted with ``cache.incr`` (``cache.add`` creates the counter), and a refused
request takes its increment back with ``cache.decr``, so at most ``limit`` requests of a window
are let through even when many processes and threads count at once: a request is let through
only if its own increment returned a value within the budget. This holds where
``add``/``incr``/``decr`` are atomic and shared: Redis and Memcached (shared by every process),
and the local-memory cache (atomic, but per process: each process then has its own budget). The
default file cache (``FileBasedCache``) is shared by the processes of one machine but its
``incr`` is a read then a write, so concurrent processes can lose counts and let a little more
than the rate through; with several processes (``make serve``, several machines) use Redis
(``CACHE_BACKEND=django.core.cache.backends.redis.RedisCache``).

The caller's address is ``core.http.client_ip``: ``REMOTE_ADDR``, or the address given by
trusted proxies (``TRUSTED_PROXY_COUNT``); a client-written ``X-Forwarded-For`` is ignored.
"""

import contextlib
import hashlib
import math
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.throttling import BaseThrottle

from tierslieux.api.auth import api_user
from tierslieux.core.counters import cache_count
from tierslieux.core.http import client_ip

DEFAULT_ANON_RATE = "120/m"
DEFAULT_AUTH_RATE = "1200/m"
KEY_PREFIX = "api-throttle"

_PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"120/m"`` -> ``(120, 60)``: requests allowed per period in seconds.

    An empty rate means no limit (None). Periods: s, m, h, d (or sec, min, hour, day), with an
    optional multiplier (``"1000/5m"``). Raises ValueError on anything else.
    """
    rate = (rate or "").strip()
    if not rate:
        return None
    count_text, sep, period_text = rate.partition("/")
    period_text = period_text.strip().lower()
    digits = ""
    while period_text[:1].isdigit():
        digits, period_text = digits + period_text[0], period_text[1:]
    if not sep or not count_text.strip().isdigit() or period_text not in _PERIODS:
        raise ValueError(f"invalid rate {rate!r}: expected e.g. 120/m, 1000/h or 5/10s")
    count = int(count_text)
    seconds = (int(digits) if digits else 1) * _PERIODS[period_text]
    if count < 1 or seconds < 1:
        raise ValueError(f"invalid rate {rate!r}: the count and the period must be positive")
    return count, seconds


def _uncount(key: str) -> None:
    with contextlib.suppress(ValueError):  # already expired: nothing to take back
        cache.decr(key)


class SlidingWindowThrottle(BaseThrottle):
    """One budget of ``rate`` requests per caller, the caller given by ``ident``.

    Thread-safe: the instance is shared by all requests, so the per-request wait is kept in a
    thread-local.
    """

    scope = "base"

    def __init__(self, *, rate_setting: str, default_rate: str, timer: Callable[[], float]):
        self.rate_setting = rate_setting
        self.default_rate = default_rate
        self.timer = timer
        self._local = threading.local()

    def ident(self, request: HttpRequest) -> str | None:
        """Who is counted, or None when this throttle does not apply to the request."""
        raise NotImplementedError

    def rate(self) -> tuple[int, int] | None:
        return parse_rate(getattr(settings, self.rate_setting, self.default_rate))

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        rate = self.rate()
        ident = self.ident(request)
        if rate is None or ident is None:
            return True
        limit, duration = rate
        now = self.timer()
        window = int(now // duration)
        elapsed = (now - window * duration) / duration  # 0 <= elapsed < 1
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]  # safe for any cache key
        base = f"{KEY_PREFIX}:{self.scope}:{limit}:{duration}:{digest}"
        key = f"{base}:{window}"
        current = cache_count(key, 2 * duration + 1)
        previous = cache.get(f"{base}:{window - 1}", 0)
        weighted = previous * (1 - elapsed)
        if current + weighted <= limit:
            return True
        _uncount(key)
        self._local.wait = self._wait(limit, duration, elapsed, current - 1, previous)
        return False

    @staticmethod
    def _wait(limit: int, duration: int, elapsed: float, current: int, previous: int) -> int:
        """Seconds until one more request fits, ``current`` requests counted so far."""
        if current + 1 <= limit and previous:
            # Later in this window, the previous one weighs less.
            fits_at = 1 - (limit - current - 1) / previous
            return max(1, math.ceil((fits_at - elapsed) * duration))
        # Not before the next window, where this window is the previous one.
        fits_at = 1 - (limit - 1) / current if current else 0
        return max(1, math.ceil((1 - elapsed + max(0.0, fits_at)) * duration))

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


def _caller(request: HttpRequest):
    try:
        return api_user(request)
    except AuthenticationError:
        return None  # a bad token counts as anonymous; the endpoint answers 401


class ApiAnonRateThrottle(SlidingWindowThrottle):
    """Callers with neither a valid token nor a session, per client address."""

    scope = "anon"

    def __init__(self, timer: Callable[[], float] = time.time) -> None:
        super().__init__(rate_setting="API_ANON_RATE", default_rate=DEFAULT_ANON_RATE, timer=timer)

    def ident(self, request: HttpRequest) -> str | None:
        user = _caller(request)
        if user is not None and user.is_authenticated:
            return None
        return client_ip(request) or "unknown"


class ApiAuthRateThrottle(SlidingWindowThrottle):
    """Token and session users, per user (whichever address they call from)."""

    scope = "auth"

    def __init__(self, timer: Callable[[], float] = time.time) -> None:
        super().__init__(rate_setting="API_AUTH_RATE", default_rate=DEFAULT_AUTH_RATE, timer=timer)

    def ident(self, request: HttpRequest) -> str | None:
        user = _caller(request)
        if user is None or not user.is_authenticated:
            return None
        return f"user:{user.pk}"
