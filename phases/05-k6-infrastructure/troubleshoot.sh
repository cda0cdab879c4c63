#!/usr/bin/env bash
# Diagnoses phase 05-k6-infrastructure: runner nodes, operator logs,
# TestRuns and their stages, runner pods that failed. Reads only.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"

pp_k6_connect
echo "== runner nodes"
kubectl get nodes -l perfplane.io/node-group=runners -o wide 2>&1 || true
kubectl top nodes 2>&1 || true
echo "== operator (last 30 log lines)"
kubectl logs -n k6-operator-system deploy/k6-operator-controller-manager --tail=30 2>&1 || true
echo "== TestRuns"
kubectl get testruns -n k6 -o custom-columns=NAME:.metadata.name,STAGE:.status.stage,PARALLELISM:.spec.parallelism 2>&1 || true
echo "== runner pods not running or succeeded"
kubectl get pods -n k6 --field-selector=status.phase!=Running,status.phase!=Succeeded 2>&1 || true
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
