#!/usr/bin/env bash
# Rolls back phase 04-mojaloop: uninstalls the simulators and the switch,
# and deletes the DFSP keys, certificates and the database Secret. The
# central ledger's data stays in RDS until 02-infrastructure is rolled back.
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
pp_progress 10 "Uninstalling the simulators and the switch"
pp_uninstall_releases "$PHASE_DIR/config/charts.tsv"
pp_progress 70 "Deleting keys, certificates and the database Secret"
kubectl delete namespace dfsps --ignore-not-found --wait=true --timeout=5m
kubectl delete secret -n mojaloop central-ledger-db --ignore-not-found
rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "Mojaloop removed"
