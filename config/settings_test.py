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

# A tiny app with a model and its transition log for the tests of the workflow engine
# (tests/core/test_workflow.py), with its own migration.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.workflow_app"]  # noqa: F405
