#!/usr/bin/env bash
# The scale-out topology (docs/operations.md) on this machine, for trying it: a throwaway
# PostgreSQL 15 and Redis, the territory and the places loaded, WORKERS RQ workers (default 2)
# and gunicorn with WEB_WORKERS processes (default 3) on 127.0.0.1:PORT (default 8000).
#   scripts/cluster_local.sh            (or: make cluster PORT=8123)
# Ctrl-C stops everything and removes the servers' data. While it runs, `source var/cluster.env`
# gives another shell the same settings (e.g. to run manage.py createsuperuser).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--inner" ]; then
  exec scripts/with_postgres.sh scripts/with_redis.sh "$0" --inner
fi

UV="${UV:-$(command -v uv || echo "$HOME/.local/bin/uv")}"
PY=("$UV" run --frozen python)
PORT="${PORT:-8000}"
WORKERS="${WORKERS:-2}"
WEB_WORKERS="${WEB_WORKERS:-3}"
START=$(date +%s)

CLUSTER_VAR="$(mktemp -d /tmp/tierslieux-cluster.XXXXXX)"
pids=()
stop() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$CLUSTER_VAR" var/cluster.env
}
trap stop EXIT
trap 'exit 130' INT TERM

export TIERSLIEUX_VAR_DIR="$CLUSTER_VAR"
export TASKS_BACKEND=django_tasks_rq.RQBackend
export CACHE_BACKEND=django.core.cache.backends.redis.RedisCache
export CACHE_LOCATION="$REDIS_URL"
export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"
export DJANGO_SECRET_KEY="${DJANGO_SECRET_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export DJANGO_SECURE_COOKIES="${DJANGO_SECURE_COOKIES:-false}"  # plain http on loopback
# An administrator for this throwaway cluster (the places import is done in someone's name).
export DJANGO_SUPERUSER_USERNAME="${DJANGO_SUPERUSER_USERNAME:-admin}"
export DJANGO_SUPERUSER_EMAIL="${DJANGO_SUPERUSER_EMAIL:-admin@localhost}"
export DJANGO_SUPERUSER_PASSWORD="${DJANGO_SUPERUSER_PASSWORD:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')}"
mkdir -p var
{
  for name in DATABASE_URL REDIS_URL TIERSLIEUX_VAR_DIR TASKS_BACKEND CACHE_BACKEND \
    CACHE_LOCATION DJANGO_DEBUG DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS DJANGO_SECURE_COOKIES \
    DJANGO_SUPERUSER_USERNAME DJANGO_SUPERUSER_PASSWORD; do
    printf 'export %s=%q\n' "$name" "${!name}"
  done
} >var/cluster.env

echo "== database, territory, places, static files"
"${PY[@]}" - <<'PY'
import os

import psycopg

server, name = os.environ["DATABASE_URL"].rsplit("/", 1)
with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
    admin.execute(f'CREATE DATABASE "{name}"')
PY
"${PY[@]}" manage.py migrate --noinput -v 0
"${PY[@]}" manage.py load_territory
"${PY[@]}" manage.py createsuperuser --noinput
"${PY[@]}" manage.py import_places data/places/cget_tiers_lieux_2019.csv --format cget_2019
"${PY[@]}" manage.py collectstatic --noinput -v 0

echo "== $WORKERS task workers (RQ) and gunicorn x$WEB_WORKERS on 127.0.0.1:$PORT"
# Each worker is supervised like a service manager would (restart on exit): kill -9 one to see
# its task reported failed by the pages once TASKS_STALE_AFTER_SECONDS has passed.
supervise() {
  local child=""
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 0' TERM INT
  while true; do
    "$@" &
    child=$!
    wait "$child" || true
    echo "== worker exited, restarting it in 2 s" >&2
    sleep 2
  done
}
for i in $(seq "$WORKERS"); do
  supervise "${PY[@]}" manage.py rqworker --worker-class tierslieux.core.rq_worker.ReapingWorker \
    --job-class django_tasks_rq.Job --name "cluster-$$-$i-$RANDOM" default &
  pids+=($!)
done
"$UV" run --frozen gunicorn config.wsgi:application --workers "$WEB_WORKERS" \
  --bind "127.0.0.1:$PORT" --access-logfile - --timeout 60 \
  --control-socket "$CLUSTER_VAR/gunicorn.ctl" &
pids+=($!)

for _ in $(seq 600); do
  if python3 -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=60).status != 200)" 2>/dev/null; then
    echo "== ready in $(($(date +%s) - START)) s: http://127.0.0.1:$PORT/ (Ctrl-C stops everything)"
    echo "   log in as $DJANGO_SUPERUSER_USERNAME / $DJANGO_SUPERUSER_PASSWORD; settings in var/cluster.env"
    break
  fi
  sleep 0.5
done

# Stop everything if gunicorn or a worker's supervisor ends.
wait -n "${pids[@]}"
echo "== a process of the cluster ended: stopping" >&2
exit 1
