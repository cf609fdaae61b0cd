#!/usr/bin/env bash
# Check the README's first command on a fresh machine: clone the committed HEAD into a scratch
# directory, with a new empty HOME and a PATH without any uv, run `make setup` (what `make run`
# does before serving), then serve it the way `make run` does (DJANGO_DEBUG=true, runserver) on
# a free port, wait for HTTP 200 on / and /tiers-lieux/, and stop it.
#   scripts/check_fresh_clone.sh            (exits non-zero, with the log's tail, on failure)
# KEEP=1 keeps the scratch directory; FRESH_CLONE_PORT fixes the port (default: a free one). PYTHON3 picks the Python put on the PATH (default: the
# first python3 that has no uv module, /usr/bin/python3 on Debian).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRATCH="$(mktemp -d /tmp/tierslieux-fresh.XXXXXX)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill -- "-$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = "1" ]; then
    echo "scratch kept: $SCRATCH" >&2
  else
    rm -rf "$SCRATCH"
  fi
}
trap cleanup EXIT

# A python3 that does not bring uv with it (a module or a script next to it).
pick_python() {
  local candidate
  for candidate in "${PYTHON3:-}" /usr/bin/python3 /usr/local/bin/python3 "$(command -v python3 || true)"; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    if ! "$candidate" -c "import uv" >/dev/null 2>&1 && [ ! -e "$(dirname "$candidate")/uv" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
PY3="$(pick_python)" || { echo "no python3 without uv found (set PYTHON3)" >&2; exit 2; }

# PATH: the system directories (no uv in them) and a directory holding python3 alone.
mkdir -p "$SCRATCH/bin" "$SCRATCH/home"
ln -s "$PY3" "$SCRATCH/bin/python3"
CLEAN_PATH="$SCRATCH/bin"
for dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  [ -d "$dir" ] && [ ! -e "$dir/uv" ] && CLEAN_PATH="$CLEAN_PATH:$dir"
done
if env -i PATH="$CLEAN_PATH" HOME="$SCRATCH/home" bash -c 'command -v uv' >/dev/null 2>&1; then
  echo "uv is still on the scratch PATH ($CLEAN_PATH)" >&2
  exit 2
fi

git clone --quiet "$REPO" "$SCRATCH/clone"
PORT="${FRESH_CLONE_PORT:-}"
[ -n "$PORT" ] || PORT="$("$PY3" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

# The machine's own network settings (a CA bundle, a proxy) are kept: they belong to the
# machine, not to the user's HOME. Nothing else of the caller's environment passes.
MACHINE_ENV=()
for name in SSL_CERT_FILE SSL_CERT_DIR REQUESTS_CA_BUNDLE CURL_CA_BUNDLE PIP_CERT \
  HTTP_PROXY HTTPS_PROXY NO_PROXY http_proxy https_proxy no_proxy; do
  [ -n "${!name:-}" ] && MACHINE_ENV+=("$name=${!name}")
done

run_clean() {
  env -i PATH="$CLEAN_PATH" HOME="$SCRATCH/home" LANG=C.UTF-8 TERM=dumb "${MACHINE_ENV[@]}" "$@"
}

LOG="$SCRATCH/setup.log"
echo "== make setup in $SCRATCH/clone (HOME=$SCRATCH/home, python3=$PY3, no uv on PATH)"
start=$(date +%s)
if ! (cd "$SCRATCH/clone" && run_clean make setup) >"$LOG" 2>&1; then
  tail -n 60 "$LOG" >&2
  echo "FAILED: make setup" >&2
  exit 1
fi
echo "== make setup done in $(($(date +%s) - start)) s"

# `make run` = setup + runserver: serve the same way (the run target's variables), in the
# background, in its own process group so that cleanup stops the whole tree.
(cd "$SCRATCH/clone" && exec setsid env -i PATH="$CLEAN_PATH" HOME="$SCRATCH/home" LANG=C.UTF-8 \
  "${MACHINE_ENV[@]}" DJANGO_DEBUG=true scripts/uv.sh run --frozen --no-dev python manage.py runserver --noreload \
  "127.0.0.1:$PORT") >"$SCRATCH/server.log" 2>&1 &
SERVER_PID=$!

for path in / /tiers-lieux/; do
  status=""
  for _ in $(seq 1 120); do
    status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path" || true)"
    [ "$status" = "200" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 1
  done
  if [ "$status" != "200" ]; then
    tail -n 40 "$SCRATCH/server.log" >&2
    echo "FAILED: GET $path answered ${status:-nothing}" >&2
    exit 1
  fi
  echo "GET $path -> 200"
done
echo "OK: a fresh clone sets up and serves (total $(($(date +%s) - start)) s)"
