#!/usr/bin/env bash
# Validates phase 05-k6-infrastructure: the operator and the results
# DaemonSet are ready, and a trivial one-iteration TestRun finishes and
# leaves its results on a runner node.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"

pp_k6_connect
while IFS=$'\t' read -r release namespace _; do
  pp_release_healthy "$release" "$namespace" || pp_fail "release $namespace/$release: $PP_RELEASE_PROBLEM"
  pp_detail "  ok    release $namespace/$release"
done < <(pp_releases "$PHASE_DIR/config/charts.tsv")
kubectl rollout status daemonset -n k6 k6-results --timeout=60s >/dev/null ||
  pp_fail "DaemonSet k6/k6-results is not ready"

pp_progress 40 "Running a trivial TestRun"
name="perfplane-validate"
pp_k6_script_configmap perfplane-validate "$PHASE_DIR/config/trivial-test.js"
pp_testrun_apply "$name" perfplane-validate trivial-test.js 1
pp_testrun_wait "$name" 600
pp_testrun_collect "$name" "$(pp_work_dir)/validate-results"
pp_testrun_cleanup "$name"
echo "trivial TestRun finished and its results were collected"
pp_progress 100 "k6 infrastructure valid"
