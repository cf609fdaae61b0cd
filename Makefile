# Two commands for a newcomer (README):  make run   and   make test
# Production (ADR 0013):                   make serve
SHELL := /bin/bash
# uv is found, or installed, when a recipe runs (scripts/uv.sh), not when the Makefile is read.
UV ?= $(CURDIR)/scripts/uv.sh
# The product's targets run without the development tools (uv run would install them).
UV_GROUPS =
PY = $(UV) run --frozen $(UV_GROUPS) python
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run run-france setup setup-france env env-dev system test test-quick check lint pytest pytest-sqlite pytest-postgres pytest-quick serve messages worker cluster clean

# Development targets run with DEBUG on (the settings default to production).
run setup worker: export DJANGO_DEBUG = true
run setup worker serve: UV_GROUPS = --no-dev
# The static checks and the suite run the production settings with a test key.
check pytest-sqlite pytest-postgres pytest-quick messages: export DJANGO_SETTINGS_MODULE = config.settings_test
# pytest-xdist processes (docs/testing.md): one per core by default; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
PYTEST = $(UV) run --frozen pytest -p no:cacheprovider -n $(PYTEST_WORKERS)

## Set up (environment from uv.lock, database, real territory and places, demo admin, labelled demo records) and serve on 127.0.0.1:8000
run: setup
	$(PY) manage.py runserver $(HOST):$(PORT)

setup: env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_territory
	$(PY) manage.py ensure_demo_admin
	$(PY) manage.py import_places data/places/cget_tiers_lieux_2019.csv --format cget_2019
	$(PY) manage.py ensure_demo_call
	$(PY) manage.py demo_records
	$(PY) manage.py dashboard_report --out var/reports

## The whole country instead: the 18 regions and the 1,512 places of 2019 (TERRITORY_REGIONS=all),
## in its own database under var/france (FRANCE_VAR_DIR), on 127.0.0.1:8000
run-france setup-france: export TERRITORY_REGIONS = all
run-france setup-france: export TIERSLIEUX_VAR_DIR = $(FRANCE_VAR_DIR)
FRANCE_VAR_DIR ?= $(CURDIR)/var/france
run-france: run
setup-france: setup

## The background task worker (analyses, e-mails), in a second terminal
worker: env
	$(PY) manage.py tasks_worker

## Production: static files, migrations, the deployment checks, then gunicorn on $(HOST):$(PORT)
## (DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS required; see README "Production")
serve: env
	$(PY) manage.py collectstatic --noinput
	$(PY) manage.py migrate --noinput
	$(PY) manage.py check --deploy --fail-level WARNING
	$(UV) run --frozen $(UV_GROUPS) gunicorn --config config/gunicorn.conf.py config.wsgi

env:
	$(UV) sync --frozen --no-dev

env-dev:
	$(UV) sync --frozen

## The Debian packages the suite needs (PostgreSQL 15, Chromium, gettext, Pango, Redis)
system:
	scripts/system_packages.sh

## Scale-out topology on this machine: PostgreSQL, Redis, 2 RQ workers, gunicorn x3 on 127.0.0.1:$(PORT) (Ctrl-C stops all)
cluster: env
	PORT=$(PORT) UV=$(UV) scripts/cluster_local.sh

## The whole suite (what CI runs): static checks, then pytest on SQLite and on a throwaway PostgreSQL 15
test: system env-dev check pytest-sqlite pytest-postgres

## The quick loop: static checks, then pytest on SQLite without the slow tests (docs/testing.md)
test-quick: env-dev check pytest-quick

check:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

pytest-sqlite:
	@echo "== pytest on SQLite"
	TIERSLIEUX_VAR_DIR=$$(mktemp -d) scripts/with_redis.sh $(PYTEST)

# The slow checks (engine-independent: a fresh clone, subprocess round trips, a whole-region
# exact MILP, axe) run once, in the SQLite pass.
pytest-postgres:
	@echo "== pytest on PostgreSQL"
	TIERSLIEUX_VAR_DIR=$$(mktemp -d) scripts/with_postgres.sh $(PYTEST) -m "not slow"

pytest-quick:
	@echo "== pytest on SQLite, without the slow tests"
	TIERSLIEUX_VAR_DIR=$$(mktemp -d) scripts/with_redis.sh $(PYTEST) -m "not slow"

## Refresh the French catalogue after changing user-facing strings
messages:
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=.tools --ignore=var --ignore=scripts
	$(PY) manage.py compilemessages -l fr --ignore=.venv --ignore=.tools

clean:
	rm -rf var .pytest_cache .ruff_cache
