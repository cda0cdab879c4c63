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

# --- aws: SST platform types and the moto server (begin) ---
# sst.config.ts is type-checked against .sst/platform, which `sst install`
# writes offline; the AWS integration tests start moto_server themselves.
if [[ "$ci" == true ]]; then
  bash scripts/sst-install.sh
  python3 -m pip install --quiet 'moto[server]'
fi
# --- aws (end) ---
