"""A small fixed-window counter in the cache: bounds how often one client may ask for e-mails."""

import hashlib

from tierslieux.core.counters import cache_count

WINDOW_SECONDS = 3600


def throttle_hit(*, scope: str, key: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> bool:
    """Count one attempt of ``key`` in ``scope``; True when it goes over ``limit`` in the window.

    The window starts at the first attempt and lasts ``window_seconds``; the key (a client
    address) is hashed so that any text makes a valid cache key.
    """
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"accounts:throttle:{scope}:{digest}"
    return cache_count(cache_key, window_seconds) > limit
