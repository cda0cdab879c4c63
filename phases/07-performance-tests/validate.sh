#!/usr/bin/env bash
# Validates phase 07-performance-tests: every stage of the recorded run has
# results and a valid generator health in S3. It does not re-run the load;
# whether the target was met is decided by 08-analysis.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/ladder.sh
source "$PHASE_DIR/scripts/ladder.sh"

results="$(pp_input 07-performance-tests results_url)"
failed=0
count="$(stage_count)"
for ((index = 0; index < count; index++)); do
  stage="$(stage_field "$index" name)"
  health="$(pp_aws s3 cp "$results/$stage/health.json" - 2>/dev/null || echo '{}')"
  valid="$(jq -r '.valid // "missing"' <<<"$health")"
  if [[ "$valid" == true ]]; then
    pp_detail "  ok    stage $stage: $(jq -c '{droppedIterations, peakRunnerMillicores}' <<<"$health")"
  else
    echo "  FAIL  stage $stage: health $valid in $results/$stage"
    failed=$((failed + 1))
  fi
done
echo "$((count - failed))/$count stages have valid results"
((failed == 0)) || pp_fail "$failed stage(s) without valid results; re-run deploy with the same PERFPLANE_RUN_ID to resume"
pp_progress 100 "Ladder results complete"
