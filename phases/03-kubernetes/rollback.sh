#!/usr/bin/env bash
# Rolls back phase 03-kubernetes: uninstalls the platform releases in
# reverse order. The ingress controller's load balancer goes with its
# Service. Persistent volumes use the Retain policy, so the data volumes
# stay; 02-infrastructure's rollback sweeps them.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"

cluster="$(pp_input 02-infrastructure mojaloop_cluster_name)"
if ! pp_cluster_exists "$cluster"; then
  pp_progress 100 "Cluster $cluster is gone; nothing to roll back"
  exit 0
fi
pp_kubeconfig "$cluster"
pp_progress 10 "Uninstalling platform releases"
pp_uninstall_releases "$PHASE_DIR/config/charts.tsv"
pp_progress 90 "Removing the gp3 storage class"
kubectl delete -f "$PHASE_DIR/config/storageclass-gp3.yaml" --ignore-not-found
rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "Platform services removed"
