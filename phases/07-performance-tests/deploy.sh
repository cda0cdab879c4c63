#!/usr/bin/env bash
# Deploys phase 07-performance-tests: the load ladder from the environment,
# one TestRun per stage with parallel runners and a constant arrival rate.
# Every stage's raw results and generator health go to S3 before its
# TestRun is deleted. Re-running with the same PERFPLANE_RUN_ID resumes at
# the first stage without results.
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
# shellcheck source=scripts/ladder.sh
source "$PHASE_DIR/scripts/ladder.sh"

run_id="${PERFPLANE_RUN_ID:-manual-$(date -u +%Y%m%d%H%M%S)}"
pp_progress 2 "Connecting to the k6 cluster"
pp_k6_connect
runners="$(kubectl get nodes -l perfplane.io/node-group=runners -o name | wc -l)"
if ((runners < $(pp_env .k6.parallelRunners))); then
  pp_fail "k6.parallelRunners is $(pp_env .k6.parallelRunners) but only $runners runner nodes are up; each runner needs its own node. Raise the runners node group's desiredSize"
fi
run_ladder "$run_id" 5 98
pp_progress 100 "Load ladder complete"
