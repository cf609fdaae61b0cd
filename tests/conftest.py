"""Shared fixtures: the real territory is loaded once per test session into the test database."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Tests run tasks immediately, inside the calling code.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    # Each test run starts with an empty cache of its own.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Tasks declared while Django started (admin autodiscovery imports services) were bound
    # to the configured backend: tell django-tasks the setting changed so it drops it.
    from django.core.signals import setting_changed

    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After migrations, load the committed territory (the real figures are pinned by tests)."""
    from tierslieux.territory.services import territory_load

    with django_db_blocker.unblock():
        territory_load()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English (``LocaleMiddleware``
    activates its language for the thread and never resets it) must not leak into the next
    test run by the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
