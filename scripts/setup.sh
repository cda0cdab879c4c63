#!/usr/bin/env bash
# Installs what perfplane needs on this machine: npm packages and, with --ci,
# the system tools the test suite uses. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
if [[ "${1:-}" == "--ci" ]]; then
  ci=true
fi

if [[ "$ci" == true ]]; then
  npm ci --no-audit --no-fund
elif [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi

# The test suite lints every phase and buildspec script with shellcheck and
# opens the HTML report in Debian's Chromium.
if [[ "$ci" == true ]]; then
  missing=()
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  if [[ ${#missing[@]} -gt 0 ]]; then
    if ! command -v apt-get >/dev/null; then
      echo "setup: ${missing[*]} missing and apt-get is not available; install them" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
fi

# k6 drives the load tests; the pinned version is built with Go when missing.
# Callers find it through phases/lib/k6.sh (PERFPLANE_K6, PATH, $(go env GOPATH)/bin).
scripts/install-k6.sh

# --- aws: SST platform types and the moto server (begin) ---
# sst.config.ts is type-checked against .sst/platform, which `sst install`
# writes offline. The AWS integration tests start moto_server themselves.
if [[ "$ci" == true ]]; then
  bash scripts/sst-install.sh
  python3 -m pip install --quiet 'moto[server]'
fi
# --- aws (end) ---
