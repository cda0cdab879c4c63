#!/usr/bin/env bash
# Helpers of 04-mojaloop: the central ledger's database Secret, port
# forwards for onboarding, and the onboarding program itself.

# Services the onboarding program calls, reached through kubectl port-forward
# on 127.0.0.1 because CodeBuild runs outside the cluster's VPC.
# NOTE: service names follow the mojaloop chart 17.1.0 with release "moja".
CENTRAL_LEDGER_ADMIN="svc/moja-centralledger-service"
ACCOUNT_LOOKUP_ADMIN="svc/moja-account-lookup-service-admin"
HUB_LOCAL_PORT=18301
ALS_LOCAL_PORT=18302

# ensure_database_secret: copy the RDS master password from Secrets Manager
# into the Secret central-ledger-db, through a pipe, never a variable that
# could be echoed.
ensure_database_secret() {
  local secret_arn
  secret_arn="$(pp_input 02-infrastructure rds_master_secret_arn)"
  kubectl create namespace mojaloop --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  pp_aws secretsmanager get-secret-value --secret-id "$secret_arn" --query SecretString --output text |
    jq -j .password |
    kubectl create secret generic -n mojaloop central-ledger-db --from-file=password=/dev/stdin \
      --dry-run=client -o yaml | kubectl apply -f - >/dev/null ||
    pp_fail "could not copy the RDS password from $secret_arn into Secret mojaloop/central-ledger-db; check secretsmanager:GetSecretValue on the build role"
}

# start_port_forwards: forward the hub and ALS admin APIs to 127.0.0.1 for
# the rest of this script; the trap ends them on exit.
start_port_forwards() {
  kubectl port-forward -n mojaloop "$CENTRAL_LEDGER_ADMIN" "$HUB_LOCAL_PORT:80" >/dev/null 2>&1 &
  PF_HUB=$!
  kubectl port-forward -n mojaloop "$ACCOUNT_LOOKUP_ADMIN" "$ALS_LOCAL_PORT:4001" >/dev/null 2>&1 &
  PF_ALS=$!
  trap 'kill "$PF_HUB" "$PF_ALS" 2>/dev/null || true' EXIT
  pp_wait_until 60 2 "port-forward to the central ledger on 127.0.0.1:$HUB_LOCAL_PORT" \
    curl -fsS -o /dev/null "http://127.0.0.1:$HUB_LOCAL_PORT/health"
}

# run_onboarding MODE: with MODE "apply", onboard: hub accounts, settlement model, oracles, then
# per DFSP participant, limits, funds, endpoints and MSISDNs. The program
# is shared with the rehearsal profile and is idempotent. MODE "verify"
# only checks that every DFSP is active with limits and endpoints.
run_onboarding() {
  local flags=()
  [[ "$1" == verify ]] && flags=(--verify)
  local program="$PP_ROOT/packages/onboarding/src/main.ts"
  [[ -f "$program" ]] || pp_fail "onboarding program $program is missing; it comes with the @perfplane/onboarding workspace"
  (cd "$PP_ROOT" && npx --no-install tsx packages/onboarding/src/main.ts --env "$PERFPLANE_ENV" \
    --hub-url "http://127.0.0.1:$HUB_LOCAL_PORT" --als-url "http://127.0.0.1:$ALS_LOCAL_PORT" "${flags[@]}")
}
