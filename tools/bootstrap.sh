#!/usr/bin/env bash
# Brings a fresh clone to a runnable state, doing only what is missing: npm packages (installed from
# the lockfile when it changed), the Python venv for MLflow + Jupyter (tools/setup/setup.sh), the Debian
# packages listed in tools/debian-packages.txt (installed when running as root, else explained), and the
# native TensorFlow engine tfjs-node (tools/setup/tfjs-node.sh; where it cannot be built it says why in
# one line, and fsnas computes on wasm).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
log() { printf 'fsnas bootstrap: %s\n' "$*" >&2; }

lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ ! -f node_modules/.fsnas-lock-stamp || "$(cat node_modules/.fsnas-lock-stamp)" != "$lock_hash" ]]; then
  # `npm install` on the committed lockfile, not `npm ci`: see docs/decisions/0007-npm-install-not-ci.md.
  # --no-save keeps the lockfile as committed (npm would drop the optional entries it cannot fetch,
  # and the changed hash would make the next bootstrap install again).
  log "installing npm packages (locked versions)"
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.fsnas-lock-stamp
fi

missing=()
while read -r pkg cmd; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done < tools/debian-packages.txt
if (( ${#missing[@]} )); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    log "missing Debian packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})"
  fi
fi

if [[ -x tools/setup/setup.sh ]]; then
  tools/setup/setup.sh
fi

# Not fatal: without a compiler or PyPI the build explains itself in one line and fsnas falls back to wasm.
tools/setup/tfjs-node.sh cpu || true
