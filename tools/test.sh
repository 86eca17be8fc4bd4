#!/usr/bin/env bash
# The test command (`npm test`): bootstrap what is missing, then typecheck, lint and test every Nx
# project, and end with one summary line over all projects' Vitest results.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash tools/bootstrap.sh || exit 1
rm -rf dist/test-results
# Reports older than this are replays from the Nx cache (test-summary.mjs counts them).
export FSNAS_TEST_STARTED_MS=$(date +%s%3N)
NX_DAEMON=false NX_NO_CLOUD=true npx nx run-many -t typecheck lint test --parallel=2 --outputStyle=stream "$@"
status=$?
node tools/test-summary.mjs || status=1
exit $status
