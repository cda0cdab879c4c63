#!/usr/bin/env bash
# Writes .sst/platform (the SST platform code and its types) without an AWS
# account: bun comes from the npm package, SST's own download of Pulumi and bun
# is skipped, and telemetry is off so nothing but the npm registry is contacted.
set -euo pipefail
cd "$(dirname "$0")/.."

export SST_SKIP_DEPENDENCY_CHECK=true
export SST_TELEMETRY_DISABLED=1
export DO_NOT_TRACK=1
export SST_STAGE="${SST_STAGE:-ci}"
if [[ -z "${SST_BUN_PATH:-}" ]]; then
  SST_BUN_PATH="$(node -e "const p=require('path');console.log(p.join(p.dirname(require.resolve('bun/package.json')),'bin','bun.exe'))")"
  export SST_BUN_PATH
fi
if [[ ! -x "$SST_BUN_PATH" ]]; then
  echo "sst-install: bun binary not found at $SST_BUN_PATH; run npm install first" >&2
  exit 1
fi
npx sst install
