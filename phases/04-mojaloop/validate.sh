#!/usr/bin/env bash
# Validates phase 04-mojaloop: the switch and simulator releases are
# healthy, the security material exists when the environment enables it,
# and the onboarding program's --verify finds every DFSP active with its
# limits and callback endpoints.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"
# shellcheck source=scripts/mojaloop.sh
source "$PHASE_DIR/scripts/mojaloop.sh"

pp_kubeconfig "$(pp_input 02-infrastructure mojaloop_cluster_name)"
failed=0
for entry in mojaloop/moja dfsps/dfsps; do
  if pp_release_healthy "${entry#*/}" "${entry%%/*}"; then
    pp_detail "  ok    release $entry"
  else
    echo "  FAIL  release $entry: $PP_RELEASE_PROBLEM"
    failed=$((failed + 1))
  fi
done
for dfsp in $(pp_env '.dfsps[].id'); do
  kubectl get secret -n dfsps "$dfsp-jws" >/dev/null 2>&1 || {
    echo "  FAIL  JWS key Secret dfsps/$dfsp-jws is missing"
    failed=$((failed + 1))
  }
  if [[ "$(pp_env .security.mtls)" == true ]] && ! kubectl get secret -n dfsps "$dfsp-tls" >/dev/null 2>&1; then
    echo "  FAIL  mTLS certificate Secret dfsps/$dfsp-tls is missing"
    failed=$((failed + 1))
  fi
done
((failed == 0)) || pp_fail "$failed Mojaloop check(s) failed; run ./troubleshoot.sh --env $PERFPLANE_ENV"

pp_progress 60 "Verifying DFSPs, limits and endpoints"
start_port_forwards
run_onboarding verify || pp_fail "DFSP verification failed; re-run deploy to finish the onboarding"
pp_progress 100 "$(pp_env '.dfsps | length') DFSPs active"
