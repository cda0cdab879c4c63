#!/usr/bin/env bash
# Diagnoses phase 03-kubernetes: release status and history, pods that are
# not running, recent warning events, pending volume claims and node
# pressure. Reads only; Helm values are not printed because they can hold
# credentials.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"

pp_kubeconfig "$(pp_input 02-infrastructure mojaloop_cluster_name)"
echo "== releases"
helm list -A -a 2>&1 || true
while IFS=$'\t' read -r release namespace _; do
  echo "== $namespace/$release history"
  helm history "$release" -n "$namespace" --max 5 2>&1 || echo "  not installed"
done < <(pp_releases "$PHASE_DIR/config/charts.tsv")
echo "== pods not running"
kubectl get pods -A --field-selector=status.phase!=Running,status.phase!=Succeeded -o wide 2>&1 || true
echo "== pending volume claims"
kubectl get pvc -A 2>&1 | grep -v Bound || true
echo "== warning events (last 30)"
kubectl get events -A --field-selector type=Warning --sort-by=.lastTimestamp 2>&1 | tail -n 30 || true
echo "== node usage"
kubectl top nodes 2>&1 || echo "  metrics-server not ready"
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
