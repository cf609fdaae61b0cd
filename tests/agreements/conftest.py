import pytest


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests read messages in English (the msgids)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def instructor():
    from tests.accounts.factories import UserFactory

    return UserFactory(instructor=True)


@pytest.fixture
def immediate_tasks(settings):
    """Run tasks inside the calling code (through ``settings`` so the backend cache is reset)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
