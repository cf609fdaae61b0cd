#!/usr/bin/env bash
# Run uv with the given arguments, finding it, or installing it, at run time (not when the
# Makefile is read), so that the first `make run` on a fresh machine works:
#   scripts/uv.sh sync --frozen
# Looks for: $UV_BIN, `uv` on PATH, ~/.local/bin/uv, ~/.cargo/bin/uv, the copy this script
# installed before (.tools/uv/bin/uv). Otherwise installs uv from PyPI into .tools/uv, a
# private virtual environment of the checkout (python3 -m venv + pip), or, when venv is not
# available, with `python3 -m pip install --user` and runs it as `python3 -m uv`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools/uv"
UV_SPEC="${UV_SPEC:-uv>=0.5}"
PYTHON="${PYTHON:-python3}"

find_uv() {
  local candidate
  for candidate in "${UV_BIN:-}" "$(command -v uv 2>/dev/null || true)" \
    "${HOME:-/nonexistent}/.local/bin/uv" "${HOME:-/nonexistent}/.cargo/bin/uv" "$TOOLS/bin/uv"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if uv="$(find_uv)"; then
  exec "$uv" "$@"
fi

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "uv is not installed and there is no $PYTHON to install it: install Python 3.11+ or uv" >&2
  echo "(https://docs.astral.sh/uv/)." >&2
  exit 127
fi

echo "== uv not found: installing it from PyPI into $TOOLS" >&2
if "$PYTHON" -m venv "$TOOLS" >/dev/null 2>&1 \
  && "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "$UV_SPEC" >&2; then
  exec "$TOOLS/bin/uv" "$@"
fi
rm -rf "$TOOLS"
echo "== $PYTHON -m venv failed: installing uv with pip --user" >&2
if "$PYTHON" -m pip install --quiet --user --disable-pip-version-check "$UV_SPEC" >&2; then
  if uv="$(find_uv)"; then
    exec "$uv" "$@"
  fi
  exec "$PYTHON" -m uv "$@"
fi
echo "Could not install uv with $PYTHON (venv and pip --user both failed)." >&2
echo "Install it yourself (https://docs.astral.sh/uv/, or: pipx install uv) and run make again." >&2
exit 127
