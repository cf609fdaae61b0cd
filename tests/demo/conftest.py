import pytest


@pytest.fixture(autouse=True)
def _english_messages():
    """Indicator labels and notes read in English (the msgids)."""
    from django.utils import translation

    with translation.override("en"):
        yield
