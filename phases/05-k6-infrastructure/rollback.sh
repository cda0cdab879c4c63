#!/usr/bin/env bash
# Rolls back phase 05-k6-infrastructure: stops every TestRun, removes the
# results DaemonSet and the k6 namespace, then uninstalls the operator and
# metrics-server. Results already in S3 stay.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"

cluster="$(pp_input 02-infrastructure k6_cluster_name)"
if ! pp_cluster_exists "$cluster"; then
  pp_progress 100 "Cluster $cluster is gone; nothing to roll back"
  exit 0
fi
pp_kubeconfig "$cluster"
pp_progress 10 "Stopping TestRuns"
if kubectl get crd testruns.k6.io >/dev/null 2>&1; then
  kubectl delete testruns -n k6 --all --ignore-not-found --wait=true --timeout=5m
fi
pp_progress 30 "Removing the k6 namespace"
kubectl delete namespace k6 --ignore-not-found --wait=true --timeout=5m
pp_progress 50 "Uninstalling the operator and metrics-server"
pp_uninstall_releases "$PHASE_DIR/config/charts.tsv"
rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "k6 infrastructure removed"
