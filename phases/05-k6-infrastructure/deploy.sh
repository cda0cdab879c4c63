#!/usr/bin/env bash
# Deploys phase 05-k6-infrastructure: metrics-server and the k6-operator on
# the k6 cluster, the k6 namespace, and the k6-results DaemonSet on the
# runner nodes through which results reach S3.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"

step_connect() {
  pp_k6_connect
  local runners
  runners="$(kubectl get nodes -l perfplane.io/node-group=runners -o name | wc -l)"
  ((runners > 0)) || pp_fail "the k6 cluster has no node labelled perfplane.io/node-group=runners; add a runners node group to aws.k6Cluster.nodeGroups"
}

step_releases() {
  PP_HELM_TIMEOUT=10m pp_install_releases "$PHASE_DIR/config/charts.tsv" 15 60
}

step_namespace() {
  kubectl apply -f "$PHASE_DIR/config/k6-namespace.yaml" >/dev/null
  kubectl apply -f "$PHASE_DIR/config/k6-results.yaml" >/dev/null
  kubectl rollout status daemonset -n k6 k6-results --timeout=5m ||
    pp_fail "DaemonSet k6/k6-results did not become ready on the runner nodes; see ./troubleshoot.sh"
}

step_record() {
  pp_record k6_namespace k6
  pp_record runner_nodes "$(kubectl get nodes -l perfplane.io/node-group=runners -o name | wc -l)"
  pp_record results_url "$(pp_results_url)"
}

pp_step 5 "Connecting to the k6 cluster" step_connect
pp_step 15 "Installing metrics-server and the k6-operator" step_releases
pp_step 65 "Creating the k6 namespace and the results DaemonSet" step_namespace
pp_step 80 "Recording outputs" step_record
"$PHASE_DIR/validate.sh" --env "$PERFPLANE_ENV"
pp_progress 100 "k6 infrastructure ready"
