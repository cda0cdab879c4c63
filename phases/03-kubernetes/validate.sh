#!/usr/bin/env bash
# Validates phase 03-kubernetes: every platform release deployed with all
# replicas ready, and the gp3 storage class present. Prints
# "N/N platform services healthy"; --detailed lists each service.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"

pp_kubeconfig "$(pp_input 02-infrastructure mojaloop_cluster_name)"
healthy=0
total=0
while IFS=$'\t' read -r release namespace _; do
  total=$((total + 1))
  if pp_release_healthy "$release" "$namespace"; then
    healthy=$((healthy + 1))
    pp_detail "  ok    $namespace/$release"
  else
    echo "  FAIL  $namespace/$release: $PP_RELEASE_PROBLEM"
  fi
done < <(pp_releases "$PHASE_DIR/config/charts.tsv")

total=$((total + 1))
if kubectl get storageclass gp3 >/dev/null 2>&1; then
  healthy=$((healthy + 1))
  pp_detail "  ok    storage class gp3"
else
  echo "  FAIL  storage class gp3 is missing"
fi

echo "$healthy/$total platform services healthy"
((healthy == total)) || pp_fail "$((total - healthy)) platform service(s) unhealthy; run ./troubleshoot.sh --env $PERFPLANE_ENV"
pp_progress 100 "Platform services healthy"
