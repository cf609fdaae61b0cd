"""Property-based run of the whole API against its own OpenAPI schema (schemathesis).

Bounded and deterministic: a fixed seed, at most 15 generated cases per operation plus the
schema's explicit examples, no example database. Reads are called anonymously, writes with an
instructor's token. The one property checked is that no request gets a 5xx answer.
"""

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.api.conftest import bearer

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261126,
        "generation": {"max-examples": 15, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application, config=CONFIG)


@pytest.fixture
def _keep_the_test_transaction():
    """Called through WSGI, Django would close the connection (and the test's transaction)
    at the end of each request; the test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def _context(_keep_the_test_transaction, settings, instructor_token):
    from tests.places.factories import PlaceFactory

    settings.API_ANON_RATE = "1000000/m"
    settings.API_AUTH_RATE = ""  # no limit: the run sends hundreds of requests a minute
    PlaceFactory(name="Publié")
    PlaceFactory(name="Caché", unpublished=True)
    return {"token": instructor_token}


# The fixture is set up once per operation on purpose: its data and token serve every case.
@pytest.mark.django_db
@schema.parametrize()
@hypothesis.settings(
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture], deadline=None
)
def test_api_never_answers_5xx(case, _context):
    headers = None if case.method.upper() == "GET" else bearer(_context["token"])
    case.call_and_validate(headers=headers, checks=[not_a_server_error])
