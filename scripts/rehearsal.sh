#!/usr/bin/env bash
# Runs the rehearsal environment through all eight phases on this machine:
# installs what is missing (npm packages, the pinned k6), runs every phase
# through the embedded control plane, and prints where the report is.
# Usage: scripts/rehearsal.sh [extra run-all options]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi
scripts/install-k6.sh

# The phase scripts find k6 on PATH or in Go's bin folder; the latter is
# not on every PATH, so name it here.
gobin="$(go env GOPATH 2>/dev/null || true)/bin"
export PATH="${PATH}:${gobin}"

npx perfplane run-all --env rehearsal --auto-approve "$@"
npx perfplane report --env rehearsal
