"""Counters in the cache, shared by the login-side and the API rate limits."""

from django.core.cache import cache


def cache_count(key: str, timeout: int) -> int:
    """Atomically add one to the counter ``key`` (created at 1, living ``timeout`` seconds) and
    return its new value. ``incr`` and ``add`` are atomic on Redis, Memcached and the
    local-memory cache; the file cache only approximates across processes."""
    for _attempt in range(3):
        try:
            return cache.incr(key)
        except ValueError:  # no counter yet (first request of the window) or just expired
            if cache.add(key, 1, timeout):
                return 1
    return cache.incr(key)
