#!/usr/bin/env bash
# Deploys phase 06-first-test: the k6 smoke test (k6/smoke.ts) at the
# environment's smoke rate, about 10 transfers a second, through the full
# transfer flow from the k6 cluster to the switch. Results go to S3.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"
# shellcheck source=../lib/stage.sh
source "$PHASE_DIR/../lib/stage.sh"
# shellcheck source=scripts/smoke.sh
source "$PHASE_DIR/scripts/smoke.sh"

run_id="${PERFPLANE_RUN_ID:-manual-$(date -u +%Y%m%d%H%M%S)}"
pp_progress 5 "Connecting to the k6 cluster"
pp_k6_connect
pp_progress 10 "Running the smoke test at $(pp_env .smoke.rate) transfers a second"
run_smoke "$run_id"
pp_progress 100 "Smoke test passed"
