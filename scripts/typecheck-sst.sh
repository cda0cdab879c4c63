#!/usr/bin/env bash
# Type-checks sst.config.ts against the SST platform types that `sst install`
# writes to .sst/platform. Fails when they are missing instead of skipping,
# so a green test run always includes this check.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -f .sst/platform/config.d.ts ]]; then
  echo "typecheck:sst: .sst/platform is missing, so sst.config.ts cannot be type-checked." >&2
  echo "Run 'bash scripts/setup.sh --ci' (or 'bash scripts/sst-install.sh') once, then retry." >&2
  exit 1
fi
exec npx tsc -p tsconfig.sst.json
