#!/usr/bin/env bash
# Deploys phase 08-analysis: downloads every runner's results of the ladder
# from S3, merges the runners per stage (raw samples, never averaged
# percentiles), checks the final stage against the environment's target,
# and uploads result.json, summary.md and report.html per stage to S3.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"
# shellcheck source=scripts/analyse.sh
source "$PHASE_DIR/scripts/analyse.sh"

pp_progress 5 "Downloading the ladder results"
analyse_run "$(pp_input 07-performance-tests results_url)" "$(pp_input 07-performance-tests run_id)"
pp_progress 100 "Reports uploaded"
