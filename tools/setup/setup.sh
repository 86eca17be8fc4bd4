#!/usr/bin/env bash
# Creates the project's Python environment (.venv): pinned MLflow server + Jupyter pieces, and the
# tslab kernel registered inside it. Idempotent: a stamp holding the hash of the inputs makes a second
# run a no-op, so every command that needs MLflow or Jupyter may call this cheaply.
#
#   tools/setup/setup.sh           set up (or do nothing when up to date)
#   tools/setup/setup.sh --force   reinstall even when the stamp matches
#
# Environment: FSNAS_VENV (default <root>/.venv), FSNAS_PYTHON (interpreter to build it from).
# Deliberately not an npm postinstall: `npm ci` stays fast and works without Python.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SETUP_DIR="$ROOT/tools/setup"
VENV="${FSNAS_VENV:-$ROOT/.venv}"
REQUIREMENTS="$SETUP_DIR/requirements.txt"
CONSTRAINTS="$SETUP_DIR/constraints.txt"
STAMP="$VENV/.fsnas-setup-stamp"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

log() { printf 'fsnas setup: %s\n' "$*" >&2; }
die() { printf 'fsnas setup: error: %s\n' "$*" >&2; exit 1; }

find_python() {
  local candidates=()
  [[ -n "${FSNAS_PYTHON:-}" ]] && candidates+=("$FSNAS_PYTHON")
  candidates+=(python3.13 python3.12 python3.11 python3.10 python3)
  local c
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null 2>&1 &&
      "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

mkdir -p "$VENV"
# Concurrent callers (parallel test workers, two CLI commands) must not pip-install over each other.
exec 9>"$VENV/.fsnas-setup.lock"
if command -v flock >/dev/null 2>&1; then flock 9; fi

# The stamp covers everything that shapes the environment: the pins, this script and the tslab whose
# kernel is registered. Hashing needs no Python, so the up-to-date check costs a few milliseconds.
TSLAB_BIN="$ROOT/node_modules/tslab/bin/tslab"
sha256() { if command -v sha256sum >/dev/null 2>&1; then sha256sum; else shasum -a 256; fi; }
HASH="$({
  cat "$REQUIREMENTS" "${BASH_SOURCE[0]}"
  [[ -f "$CONSTRAINTS" ]] && cat "$CONSTRAINTS"
  cat "$ROOT/node_modules/tslab/package.json" 2>/dev/null || true
  printf '%s' "$VENV"
} | sha256 | cut -d' ' -f1)"

if [[ $FORCE == 0 && -f "$STAMP" && "$(cat "$STAMP")" == "$HASH" && -x "$VENV/bin/python" ]]; then
  exit 0
fi

PYTHON="$(find_python)" || die "Python >= 3.10 is required to run the MLflow server and Jupyter, but none was found
  (looked for \$FSNAS_PYTHON, python3.13 ... python3.10, python3 on PATH).
  Install it, e.g. 'apt-get install python3 python3-venv' or from https://www.python.org/downloads/,
  or point FSNAS_PYTHON at an interpreter."
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null ||
  die "$PYTHON lacks the venv/ensurepip modules; on Debian/Ubuntu install 'python3-venv'."

started=$(date +%s)
if ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' >/dev/null 2>&1; then
  rm -rf "$VENV/bin" "$VENV/lib" "$VENV/lib64" "$VENV/include" "$VENV/pyvenv.cfg"
  log "creating $VENV with $PYTHON ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV"
fi
rm -f "$STAMP"

# The lock was resolved on Python 3.11; other versions may need other wheels (numpy >= 2.3 has none
# for 3.10), so they resolve the transitive versions afresh from the exact top-level pins.
constraint_args=()
VENV_PY_VERSION="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [[ -f "$CONSTRAINTS" && "$VENV_PY_VERSION" == "3.11" ]]; then
  constraint_args=(-c "$CONSTRAINTS")
else
  log "Python $VENV_PY_VERSION: not using the 3.11 lock (tools/setup/constraints.txt); resolving from requirements.txt"
fi
log "installing pinned packages from tools/setup/requirements.txt (first time: a few minutes)"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
  -r "$REQUIREMENTS" "${constraint_args[@]}" >&2 ||
  die "pip install failed (see above). The package registry must be reachable (PyPI or a mirror configured for pip)."

# The kernel starts tslab through an absolute path, so Jupyter finds it without node_modules/.bin on PATH.
[[ -x "$TSLAB_BIN" ]] || die "tslab is missing at $TSLAB_BIN; run 'npm ci' at the repository root first."
KERNEL_DIR="$VENV/share/jupyter/kernels/tslab"
mkdir -p "$KERNEL_DIR"
"$VENV/bin/python" - "$KERNEL_DIR/kernel.json" "$TSLAB_BIN" <<'PY'
import json, sys
spec = {
    "argv": [sys.argv[2], "kernel", "--config-path", "{connection_file}"],
    "display_name": "TypeScript (tslab)",
    "language": "typescript",
    # Notebooks import the workspace libraries from their TypeScript sources through tsx's hook.
    "env": {"NODE_OPTIONS": "--import tsx"},
}
with open(sys.argv[1], "w") as f:
    json.dump(spec, f, indent=1, sort_keys=True)
PY
"$VENV/bin/jupyter" kernelspec list 2>/dev/null | grep -q '^ *tslab ' ||
  die "the tslab kernel was written to $KERNEL_DIR but 'jupyter kernelspec list' does not show it"

printf '%s' "$HASH" >"$STAMP"
log "ready: $VENV ($(($(date +%s) - started))s; mlflow $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("mlflow"))'))"
