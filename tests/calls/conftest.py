import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Attachments written under a throwaway ``VAR_DIR``."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service tests read messages in English (the msgids); pages keep their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
