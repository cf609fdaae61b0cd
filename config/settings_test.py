"""Settings of the test suite: the production settings (DEBUG off, as pytest-django runs them)
with a test key, plain HTTP and static files served from the source tree.

The suite must not depend on DEBUG being on. Variables already set in the environment win
(e.g. ``DATABASE_URL`` from ``scripts/with_postgres.sh``).
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-key-" + "k3y-n0t-f0r-pr0duct10n" * 3)
# The test client and the live server speak plain HTTP.
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_SSL_REDIRECT", "false")

from config.settings import *  # noqa: F403
from config.settings import STORAGES

# No collectstatic before the tests: the finders serve the source files (the manifest storage
# is exercised by `make serve` and tests/core/test_production.py).
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# pytest-xdist runs the suite in several processes: each worker gets a Redis database of its own
# (scripts/with_redis.sh starts the server with 64), so that the RQ queue of one worker's
# tests never holds another worker's jobs. The database number 0 stays for a run without xdist.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL and XDIST_WORKER:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    _redis_db = int(XDIST_WORKER.removeprefix("gw")) + 1
    if _redis_db >= 64:
        raise RuntimeError(f"{XDIST_WORKER}: at most 63 xdist workers share one Redis server")
    REDIS_URL = urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{_redis_db}"))  # noqa: F405
    RQ_QUEUES["default"]["URL"] = REDIS_URL  # noqa: F405
