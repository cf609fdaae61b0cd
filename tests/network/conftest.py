import pytest


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service tests read messages in English (the msgids); pages keep their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
