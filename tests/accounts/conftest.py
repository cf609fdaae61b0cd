import pytest


@pytest.fixture(autouse=True)
def _empty_cache():
    """The sign-up and reset throttles count in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
