# Two commands for a newcomer (README):  make run   and   make test
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup env env-dev test check lint pytest pytest-sqlite pytest-postgres messages worker cluster clean

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

## The background task worker (analyses, e-mails), in a second terminal
worker: env
	$(PY) manage.py tasks_worker

env: uv
	$(UV) sync --frozen --no-dev

env-dev: uv
	$(UV) sync --frozen

uv:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet "uv>=0.5"

## Scale-out topology on this machine: PostgreSQL, Redis, 2 RQ workers, gunicorn x3 on 127.0.0.1:$(PORT) (Ctrl-C stops all)
cluster: env
	PORT=$(PORT) UV=$(UV) scripts/cluster_local.sh

## The whole suite: static checks, then pytest on SQLite and on a throwaway PostgreSQL 15
test: env-dev check pytest-sqlite pytest-postgres

check:
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

pytest-sqlite:
	@echo "== pytest on SQLite"
	TIERSLIEUX_VAR_DIR=$$(mktemp -d) scripts/with_redis.sh $(UV) run --frozen pytest -p no:cacheprovider

pytest-postgres:
	@echo "== pytest on PostgreSQL"
	TIERSLIEUX_VAR_DIR=$$(mktemp -d) scripts/with_postgres.sh $(UV) run --frozen pytest -p no:cacheprovider

## Refresh the French catalogue after changing user-facing strings
messages:
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=var --ignore=scripts
	$(PY) manage.py compilemessages -l fr --ignore=.venv

clean:
	rm -rf var .pytest_cache .ruff_cache
