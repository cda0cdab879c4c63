#!/usr/bin/env bash
# Deploys phase 04-mojaloop: the Mojaloop switch (central ledger on RDS),
# the JWS keys and mTLS certificates, 8 DFSP simulators with SDK scheme
# adapters, and the onboarding of hub and DFSPs.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/security.sh
source "$PHASE_DIR/scripts/security.sh"
# shellcheck source=scripts/mojaloop.sh
source "$PHASE_DIR/scripts/mojaloop.sh"

chart_field() {
  awk -F'\t' -v r="$1" -v c="$2" '$1 == r {print $c}' "$PHASE_DIR/config/charts.tsv"
}

step_connect() {
  pp_kubeconfig "$(pp_input 02-infrastructure mojaloop_cluster_name)"
}

step_switch() {
  ensure_database_secret
  pp_helm_upgrade moja "$(chart_field moja 4)" "$(chart_field moja 5)" mojaloop \
    --repo "$(chart_field moja 3)" --values "$PHASE_DIR/config/values/mojaloop.yaml" \
    --set "centralledger.centralledger-service.config.db_host=$(pp_input 02-infrastructure rds_address)" \
    --set "centralledger.centralledger-service.config.db_port=$(pp_input 02-infrastructure rds_port)"
}

step_security() {
  ensure_security
}

step_simulators() {
  local values
  values="$(pp_work_dir)/simulators.generated.yaml"
  (cd "$PP_ROOT" && npx --no-install tsx "$PHASE_DIR/scripts/simulator-values.ts" "$PERFPLANE_ENV") >"$values" ||
    pp_fail "could not generate simulator values from $PP_ENV_FILE"
  pp_helm_upgrade dfsps "$(chart_field dfsps 4)" "$(chart_field dfsps 5)" dfsps \
    --repo "$(chart_field dfsps 3)" --values "$values"
  (cd "$PP_ROOT" && npx --no-install tsx "$PHASE_DIR/scripts/simulator-values.ts" "$PERFPLANE_ENV" ingress) |
    kubectl apply -f - >/dev/null || pp_fail "could not create Ingress dfsps/sdk-outbound"
}

step_onboarding() {
  start_port_forwards
  run_onboarding apply || pp_fail "onboarding failed; the message above names the DFSP and the call. It is safe to re-run deploy"
}

step_record() {
  pp_record hub_namespace mojaloop
  pp_record dfsp_namespace dfsps
  pp_record dfsp_count "$(pp_env '.dfsps | length')"
  pp_record transfer_api "$(pp_env .transferApi)"
  pp_record ingress_hostname "$(pp_input 03-kubernetes ingress_hostname)"
}

pp_step 5 "Connecting to the Mojaloop cluster" step_connect
pp_step 10 "Installing the Mojaloop switch (15-40 minutes)" step_switch
pp_step 45 "Creating JWS keys and mTLS certificates" step_security
pp_step 55 "Installing the DFSP simulators" step_simulators
pp_step 75 "Onboarding the hub and the DFSPs" step_onboarding
pp_step 90 "Recording outputs" step_record
"$PHASE_DIR/validate.sh" --env "$PERFPLANE_ENV"
pp_progress 100 "Mojaloop ready with $(pp_env '.dfsps | length') DFSPs"
