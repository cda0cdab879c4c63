#!/usr/bin/env bash
# Validates phase 08-analysis: the reports of every stage are in S3 and the
# final stage's result records the target as met.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"

url="$(pp_input 08-analysis reports_url)"
failed=0
count="$(jq '.ladder | length' "$PP_ENV_JSON_FILE")"
for ((index = 0; index < count; index++)); do
  stage="$(jq -r --argjson i "$index" '.ladder[$i].name' "$PP_ENV_JSON_FILE")"
  for file in result.json summary.md report.html; do
    if pp_aws s3 ls "$url/$stage/$file" >/dev/null 2>&1; then
      pp_detail "  ok    $stage/$file"
    else
      echo "  FAIL  $url/$stage/$file is missing"
      failed=$((failed + 1))
    fi
  done
done
((failed == 0)) || pp_fail "$failed report file(s) missing; re-run 08-analysis deploy"
[[ "$(pp_input 08-analysis target_met)" == true ]] ||
  pp_fail "the reports say the target was not met; read $url/$stage/summary.md"
echo "reports for $count stages in $url"
pp_progress 100 "Reports present and target met"
