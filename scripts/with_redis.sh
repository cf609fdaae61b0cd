#!/usr/bin/env bash
# Run a command against a throwaway Redis server started in a temporary directory.
#   scripts/with_redis.sh pytest -q -m redis
# The server listens on 127.0.0.1 only, on a free port, without persistence; REDIS_URL is
# exported to the command; the server and its directory are removed when the command ends.
# REDIS_SERVER names the binary (default: redis-server on PATH, Debian's package redis-server).
set -euo pipefail

REDIS_SERVER="${REDIS_SERVER:-$(command -v redis-server || true)}"
if [ -z "$REDIS_SERVER" ] || [ ! -x "$REDIS_SERVER" ]; then
  echo "redis-server not found (apt-get install redis-server)" >&2
  exit 2
fi

RTMP="$(mktemp -d /tmp/tierslieux-redis.XXXXXX)"
RPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"

cleanup() {
  if [ -f "$RTMP/redis.pid" ]; then
    local pid
    pid="$(cat "$RTMP/redis.pid")"
    kill "$pid" >/dev/null 2>&1 || true
    # Wait for the process itself: it writes its last log line after removing its pid file.
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$RTMP"
}
trap cleanup EXIT

"$REDIS_SERVER" --bind 127.0.0.1 --port "$RPORT" --dir "$RTMP" --daemonize yes \
  --pidfile "$RTMP/redis.pid" --logfile "$RTMP/redis.log" --save "" --appendonly no \
  --protected-mode yes --databases 64 >/dev/null
for _ in $(seq 100); do
  if python3 - "$RPORT" <<'PY' 2>/dev/null; then break; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.5)
s.sendall(b"PING\r\n")
sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
PY
  sleep 0.1
done

export REDIS_URL="redis://127.0.0.1:${RPORT}/0"
echo "Redis $("$REDIS_SERVER" --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:${RPORT}" >&2
"$@"
