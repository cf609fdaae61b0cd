#!/usr/bin/env bash
# Install the Debian packages the product and its test suite need, if missing (used by `make
# test` and `.ci/run`): PostgreSQL 15 (the second test pass), Chromium (browser tests), gettext
# (translations), make, Pango (WeasyPrint's PDF documents and reports), Redis (the task queue
# and cache when scaled out). As root it runs apt-get; otherwise it lists what is missing,
# prints the command to run, and exits 1.
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/nonexistent}" ] || missing+=(chromium)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v make >/dev/null 2>&1 || missing+=(make)
dpkg -s libpango-1.0-0 >/dev/null 2>&1 || missing+=(libpango-1.0-0)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || missing+=(libpangoft2-1.0-0)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them as root, then run the command again:" >&2
  echo "  sudo apt-get update && sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "== apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
