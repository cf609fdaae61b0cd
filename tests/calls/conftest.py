import pytest


@pytest.fixture(autouse=True)
def _fast_passwords_and_private_media(settings, tmp_path):
    """Cheap password hashing, and attachments written under a throwaway ``VAR_DIR``."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def _english_messages_outside_requests():
    """Service tests read messages in English (the msgids); pages keep their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield
