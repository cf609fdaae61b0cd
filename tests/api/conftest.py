import pytest
from django.core.cache import cache

from tests.accounts.factories import UserFactory
from tierslieux.api.services import api_token_create


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with an empty rate-limit history (it lives in the cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def instructor(db):
    return UserFactory(instructor=True)


@pytest.fixture
def holder(db):
    return UserFactory(holder=True)


@pytest.fixture
def instructor_token(instructor):
    """The clear key of an API token of an instructor."""
    return api_token_create(user=instructor, name="import script")[1]


@pytest.fixture
def holder_token(holder):
    return api_token_create(user=holder, name="curious holder")[1]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
