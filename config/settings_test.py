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

import sys

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, STORAGES, TEMPLATES

# Tests create users by the hundred: a cheap hasher instead of PBKDF2's million rounds (about
# 0.3 s of CPU per password). No test depends on the production hasher.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# No collectstatic before the tests: the finders serve the source files (the manifest storage
# is exercised by `make serve` and tests/core/test_production.py).
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# A tiny app with a model and its transition log for the tests of the workflow engine
# (tests/core/test_workflow.py), with its own migration.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.workflow_app"]  # noqa: F405

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


class UndefinedTemplateVariable(str):
    """``string_if_invalid`` of the tests: a variable one of the project's templates names but the
    context lacks (``{{ missing }}``, ``{{ obj.none_fk.name }}``, ``{{ x|default:"" }}`` on an
    absent ``x``, a ``{% blocktranslate %}`` placeholder) raises, so the test fails. ``{% if %}``
    and ``{% for %}`` still treat a missing variable as false/empty (Django never calls this for
    them). Templates of Django and of the libraries (the admin relies on missing variables) keep
    the default: an empty string. A ``str`` subclass, so that ``manage.py check`` accepts it."""

    def __bool__(self) -> bool:
        # True only where Django decides whether to format it (FilterExpression.resolve, for a
        # variable that does not exist) while rendering one of the project's templates. Elsewhere
        # (``{% if %}`` on a silent failure, Django's and the libraries' templates, templates
        # built from strings) it is the empty string, exactly as without it.
        caller = sys._getframe(1).f_code
        if caller.co_name != "resolve" or not caller.co_filename.endswith(TEMPLATE_BASE):
            return False
        origin = _template_being_rendered()
        return bool(origin and origin.startswith(PROJECT_TEMPLATES))

    def __contains__(self, key: object) -> bool:
        return key == "%s"  # Django then formats it with the variable's name: __mod__ below

    def __mod__(self, name: object) -> str:
        origin = _template_being_rendered()
        if origin and origin.startswith(PROJECT_TEMPLATES):
            raise UndefinedTemplateVariableError(f"{name!s} is not in the context of {origin}")
        return ""  # a {% blocktranslate %} placeholder of another template: Django's default


class UndefinedTemplateVariableError(Exception):
    pass


TEMPLATE_BASE = "/django/template/base.py"
PROJECT_TEMPLATES = (str(BASE_DIR / "templates"), str(BASE_DIR / "tierslieux"))


def _template_being_rendered() -> str | None:
    """The file of the innermost template node being rendered (an include's own file)."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "render_annotated":
            origin = getattr(frame.f_locals.get("self"), "origin", None)
            return getattr(origin, "name", None)
        frame = frame.f_back
    return None


TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = UndefinedTemplateVariable("")
