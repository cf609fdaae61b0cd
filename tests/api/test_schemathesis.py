"""schemathesis against a live server: the whole API, every check, the stateful phase included.

The test starts an HTTP server on 127.0.0.1 (ports 8171 and 8172) in a thread of the test
process, serving the real WSGI application on the test's own database connection (so the test
transaction, and the territory loaded once per session, stay), and runs the ``schemathesis``
command against ``/api/v1/openapi.json``:

- ``--checks all`` (server errors, status codes, content types, headers and bodies conforming to
  the schema, negative data rejected and positive data accepted, unsupported methods, auth,
  use after free, resource availability...) and every phase: examples, coverage, fuzzing and
  stateful (links inferred from the schemas: a created place is read and changed again);
- once anonymously and once with an instructor's token (``-H Authorization: Bearer …``);
- bounded: ``--max-examples`` per operation, a fixed seed, deterministic generation, no example
  database, one worker; the rate limits are raised (``settings``) so that the run tests the API,
  not the throttle.

Any finding fails the test, with schemathesis's own report as the message.
"""

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from tests.places.factories import PlaceFactory

SEED = 20261204
MAX_EXAMPLES = 10
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CONFIG = Path(__file__).with_name("schemathesis.toml")


class _SharedConnectionServer(ThreadedWSGIServer):
    def _close_connections(self) -> None:
        """Keep the test's connection (and its transaction) open after each request."""


class _ServerThread(LiveServerThread):
    server_class = _SharedConnectionServer


@pytest.fixture
def _keep_the_test_transaction():
    """Django closes the connection at the end of each request: not the test's one."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _serve(port: int):
    connection = connections["default"]
    connection.inc_thread_sharing()
    thread = _ServerThread(
        "127.0.0.1", _StaticFilesHandler, connections_override={"default": connection}, port=port
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        connection.dec_thread_sharing()
        raise thread.error
    return thread, connection


@pytest.fixture
def _data(db, settings, instructor_token):
    settings.API_ANON_RATE = "1000000/m"
    settings.API_AUTH_RATE = ""  # no limit: the run sends thousands of requests a minute
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    PlaceFactory(name="Publié")
    PlaceFactory(name="Caché", unpublished=True)
    return {"token": instructor_token}


def schemathesis_run(url: str, *headers: str) -> subprocess.CompletedProcess:
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        f"{url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "60",
        "--no-color",
        "--output-truncate",
        "false",
    ]
    for header in headers:
        command += ["-H", header]
    return subprocess.run(command, capture_output=True, text=True, timeout=900)


# 67 s (anonymous) and 77 s (staff) on a loaded 2-core machine (ADR 0025): past the fast suite.
@pytest.mark.slow
@pytest.mark.parametrize(("who", "port"), [("anonymous", 8171), ("staff", 8172)])
def test_schemathesis_finds_nothing(who, port, _keep_the_test_transaction, _data):
    thread, connection = _serve(port)
    try:
        url = f"http://127.0.0.1:{thread.port}"
        # The first request imports and builds what the others reuse: not within the 10 s
        # schemathesis gives the schema to load.
        with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=120) as answer:
            assert answer.status == 200
        headers = [] if who == "anonymous" else [f"Authorization: Bearer {_data['token']}"]
        result = schemathesis_run(url, *headers)
    finally:
        thread.terminate()
        connection.dec_thread_sharing()
    print(result.stdout[-3000:])  # the phases, their times and the summary (pytest -s)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
