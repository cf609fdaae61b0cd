"""Every variable of the README's configuration table is read, and has an effect (issue 13).

The table is parsed from README.md ("Configuration": a row per variable or group of variables,
names in backquotes in the first column). ``config/settings.py`` is run afresh (``runpy``, with
no effect on the live settings) with the variable set to a few values; the variable is read if
one of them changes a setting. A handful are read by the processes around Django instead, and
the test checks that they are, there.
"""

import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "config" / "settings.py"
URL = "/api/departements"

# Read before Django starts: by the Makefile and gunicorn's configuration (where the server
# listens, how many processes), not settings.
READ_BY_THE_SERVER = {
    "HOST": ["Makefile", "config/gunicorn.conf.py"],
    "PORT": ["Makefile", "config/gunicorn.conf.py"],
    "WEB_CONCURRENCY": ["config/gunicorn.conf.py"],
    "GUNICORN_TIMEOUT": ["config/gunicorn.conf.py"],
    "GUNICORN_MAX_REQUESTS": ["config/gunicorn.conf.py"],
}
# Read by settings.py but not yet in the README's table: the coordinator adds their rows (the
# text is in the report of branch `layers`) and empties this set; the test then keeps it empty.
NOT_YET_IN_THE_README: set[str] = set()
# Values tried in turn: one of them must change a setting.
TRIALS = ("7", "84", "false", "true", "sqlite:////tmp/settings-trial.sqlite3", "trial.example.org")
# What the test settings set, so that the base run is a production run (DEBUG off).
BASE_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "settings-trial-" + "x" * 50,
    "DATABASE_URL": "sqlite:////tmp/settings-base.sqlite3",
}


def _table_rows() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("| variable | default | meaning |")
    rows = []
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def documented_variables() -> list[str]:
    """The names of the table's first column (a row may name several)."""
    return [
        n for row in _table_rows() for n in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])
    ]


def mentioned_variables() -> set[str]:
    """Every name the table mentions (``DJANGO_SSL_REDIRECT_BY_PROXY`` is explained in a row)."""
    names = {n for row in _table_rows() for n in re.findall(r"`([A-Z][A-Z0-9_]+)(?:=[^`]*)?`", row)}
    return names


def read_names_in(path: Path) -> set[str]:
    """The environment variables a settings-like file reads (os.environ / env_* helpers)."""
    source = path.read_text(encoding="utf-8")
    pattern = r"""(?:environ\.get|getenv|env_bool|env_list|environ\[)\(?\s*["']([A-Z0-9_]+)["']"""
    return set(re.findall(pattern, source))


def _settings_run(monkeypatch, **env: str) -> dict:
    for name, value in {**BASE_ENV, **env}.items():
        monkeypatch.setenv(name, value)
    try:
        namespace = runpy.run_path(str(SETTINGS))
    except (ValueError, RuntimeError, TypeError, KeyError, ImproperlyConfigured) as error:
        return {"<refused>": repr(error)}
    finally:
        for name in {**BASE_ENV, **env}:
            monkeypatch.delenv(name, raising=False)
    return {k: v for k, v in namespace.items() if k.isupper()}


def test_the_readme_table_is_parsed():
    names = documented_variables()
    assert len(names) > 40
    assert {"DATABASE_URL", "API_ANON_RATE", "DEMO_ADMIN_PASSWORD", "NATIONAL_POPULATION"} <= set(
        names
    )


def test_every_documented_variable_is_read_by_settings_or_the_server():
    missing = []
    for name in documented_variables():
        if name in READ_BY_THE_SERVER:
            for where in READ_BY_THE_SERVER[name]:
                assert name in (ROOT / where).read_text(encoding="utf-8"), (name, where)
        elif name not in read_names_in(SETTINGS):
            missing.append(name)
    assert missing == []


def test_settings_read_no_undocumented_variable():
    undocumented = read_names_in(SETTINGS) - mentioned_variables()
    assert undocumented == NOT_YET_IN_THE_README


@pytest.mark.parametrize("name", [n for n in documented_variables() if n not in READ_BY_THE_SERVER])
def test_each_documented_variable_changes_a_setting(name, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # a relative TIERSLIEUX_VAR_DIR is made here
    for key in [*documented_variables(), *NOT_YET_IN_THE_README]:
        monkeypatch.delenv(key, raising=False)
    base = _settings_run(monkeypatch)
    assert "<refused>" not in base
    assert any(_settings_run(monkeypatch, **{name: value}) != base for value in TRIALS), name


def test_debug_is_off_unless_asked(monkeypatch):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", BASE_ENV["DJANGO_SECRET_KEY"])
    assert runpy.run_path(str(SETTINGS))["DEBUG"] is False


@pytest.mark.django_db
def test_api_anon_rate_from_the_environment_makes_the_sixth_call_429(client, settings, monkeypatch):
    """README: ``API_ANON_RATE`` is read from the environment. 5/m: the sixth call is refused."""
    monkeypatch.setenv("API_ANON_RATE", "5/m")
    fresh = _settings_run(monkeypatch)
    settings.API_ANON_RATE = fresh["API_ANON_RATE"]
    assert [client.get(URL).status_code for _ in range(6)] == [200] * 5 + [429]
