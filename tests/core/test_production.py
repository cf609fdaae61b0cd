"""Production mode (ADR 0013): DEBUG off by default, `check --deploy` clean with the documented
variables, security headers and CSP, no inline script, the access log of gunicorn redacted."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "a-production-secret-key-for-the-test-of-check-deploy-0123456789-XYZ"


def _env(tmp_path, **extra: str) -> dict[str, str]:
    """A clean environment: none of the test settings' variables, the production settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "AXES_", "TIERSLIEUX_", "DATABASE_URL"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings", "TIERSLIEUX_VAR_DIR": str(tmp_path)})
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow  # manage.py/gunicorn processes
def test_debug_is_off_unless_set_and_then_a_secret_key_is_required(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = _manage(_env(tmp_path), "shell", "-c", code)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    result = _manage(_env(tmp_path, DJANGO_SECRET_KEY=PRODUCTION_KEY), "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
    result = _manage(_env(tmp_path, DJANGO_DEBUG="true"), "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


@pytest.mark.slow  # manage.py/gunicorn processes
@pytest.mark.parametrize(
    "variables",
    [
        {},  # the defaults: HTTPS redirect, secure cookies, HSTS off until opted in
        {"DJANGO_HSTS_SECONDS": "31536000"},
        {"DJANGO_HSTS_SECONDS": "31536000", "DJANGO_HSTS_PRELOAD": "true"},
        {
            "TRUSTED_PROXY_COUNT": "1",
            "DJANGO_SSL_REDIRECT": "false",
            "DJANGO_SSL_REDIRECT_BY_PROXY": "true",
        },
    ],
    ids=["defaults", "hsts", "hsts-preload", "behind-a-proxy"],
)
def test_check_deploy_is_clean_with_the_documented_variables(tmp_path, variables):
    env = _env(
        tmp_path,
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="tiers-lieux.example.org",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://tiers-lieux.example.org",
        **variables,
    )
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # manage.py/gunicorn processes
def test_check_deploy_warns_when_the_https_redirect_is_off_without_a_proxy_doing_it(tmp_path):
    env = _env(
        tmp_path,
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="tiers-lieux.example.org",
        DJANGO_SSL_REDIRECT="false",
    )
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy_and_security_headers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_tile_server_is_allowed_for_images_when_configured():
    from config.settings import tile_source

    assert tile_source("") == []
    assert tile_source("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://*.tile.openstreetmap.org"
    ]
    assert tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == ["https://tiles.example.org"]


def test_a_foreign_host_gets_400_without_a_debug_page(client, settings):
    assert settings.DEBUG is False
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    body = response.content.decode()
    assert "DisallowedHost" not in body and "SECRET_KEY" not in body


def test_templates_have_no_inline_script_nor_style_attribute():
    """The CSP allows scripts and styles from files only: a page must not rely on inline ones."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(ROOT)}: {tag}")
        if re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.relative_to(ROOT)}: style= or on*= attribute")
        # Templates of PDF files (WeasyPrint) are never served as pages: they end in "_pdf.html".
        if "<style" in text and not path.name.endswith("_pdf.html"):
            offenders.append(f"{path.relative_to(ROOT)}: <style> element")
    assert offenders == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # manage.py/gunicorn processes
def test_gunicorn_access_log_redacts_survey_tokens(tmp_path):
    """`make serve`'s gunicorn logs each request through Python logging and the redacting filter."""
    port = _free_port()
    env = _env(
        tmp_path,
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SSL_REDIRECT="false",
        DJANGO_SECURE_COOKIES="false",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                "config/gunicorn.conf.py",
                "config.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        token = "Sup3rSecretT0ken-abc"
        url = f"http://127.0.0.1:{port}/panorama/reponse/{token}/"
        for _ in range(600):
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except urllib.error.HTTPError:
                break  # any answer (404, 500 without a database) is logged
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.2)
        for _ in range(50):
            if "/panorama/reponse/" in log.read_text():
                break
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert "GET /panorama/reponse/[redacted]" in text, text[-3000:]
    assert token not in text
