#!/usr/bin/env bash
# Diagnoses phase 04-mojaloop: release history, switch and simulator pods
# that are not ready, recent errors of the central ledger and the adapters,
# and certificate status. Reads only; prints no key or password.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"

pp_kubeconfig "$(pp_input 02-infrastructure mojaloop_cluster_name)"
for entry in mojaloop/moja dfsps/dfsps; do
  echo "== release $entry"
  helm history "${entry#*/}" -n "${entry%%/*}" --max 5 2>&1 || echo "  not installed"
done
for namespace in mojaloop dfsps; do
  echo "== pods in $namespace that are not ready"
  kubectl get pods -n "$namespace" -o json 2>/dev/null |
    jq -r '.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status != "True")) | "  \(.metadata.name) \(.status.phase)"' || true
done
echo "== central ledger errors (last 20 lines)"
kubectl logs -n mojaloop -l app.kubernetes.io/name=centralledger-service --tail=200 2>/dev/null | grep -iE 'error|fail' | tail -n 20 || true
echo "== certificates"
kubectl get certificates -n dfsps 2>&1 || true
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
