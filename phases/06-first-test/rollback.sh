#!/usr/bin/env bash
# Rolls back phase 06-first-test: deletes smoke TestRuns and their script
# ConfigMaps left by an interrupted run. Results in S3 stay.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"

cluster="$(pp_input 02-infrastructure k6_cluster_name)"
if ! pp_cluster_exists "$cluster"; then
  pp_progress 100 "Cluster $cluster is gone; nothing to roll back"
  exit 0
fi
pp_kubeconfig "$cluster"
for name in $(kubectl get testruns -n k6 -o name 2>/dev/null | grep '/smoke-' || true); do
  pp_testrun_cleanup "${name#*/}"
  kubectl delete configmap -n k6 "${name#*/}" --ignore-not-found >/dev/null
done
rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "Smoke test resources removed"
