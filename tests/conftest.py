"""Shared fixtures: the real territory is loaded once per test session (so once per xdist worker)
into the test database, and copied aside so that transactional tests get it back in a second
after their flush (docs/testing.md)."""

import pytest

# The territory's tables, parents first. Their copies are plain tables Django does not know, so
# the flush that ends a transactional test (browser tests) leaves them alone.
TERRITORY_TABLES = (
    "territory_departement",
    "territory_epci",
    "territory_commune",
    "territory_populationcell",
)
SNAPSHOT_PREFIX = "test_snapshot_"


def _territory_snapshot_take() -> None:
    from django.db import connection

    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in TERRITORY_TABLES:
            copy = qn(SNAPSHOT_PREFIX + table)
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} AS SELECT * FROM {qn(table)}")


def territory_restore() -> None:
    """Put the session's territory back after a flush (idempotent: only empty tables are filled)."""
    from django.db import connection, transaction

    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in TERRITORY_TABLES:
            cursor.execute(f"SELECT 1 FROM {qn(table)} LIMIT 1")
            if cursor.fetchone() is None:
                copy = qn(SNAPSHOT_PREFIX + table)
                cursor.execute(f"INSERT INTO {qn(table)} SELECT * FROM {copy}")


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
        _territory_snapshot_take()


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
