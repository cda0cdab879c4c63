#!/usr/bin/env bash
# Validates phase 06-first-test: runs the smoke test again, so a validate
# proves connectivity now, not at deploy time. --detailed prints the
# generator health.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"
# shellcheck source=../lib/stage.sh
source "$PHASE_DIR/../lib/stage.sh"
# shellcheck source=scripts/smoke.sh
source "$PHASE_DIR/scripts/smoke.sh"

pp_k6_connect
pp_progress 10 "Running the smoke test"
run_smoke "validate-${PERFPLANE_RUN_ID:-$(date -u +%Y%m%d%H%M%S)}"
if [[ "$PP_DETAILED" == true ]]; then
  jq . "$PP_STAGE_HEALTH"
fi
pp_progress 100 "Transfers flow end to end"
