#!/usr/bin/env bash
# Rehearsal Mojaloop phase: onboards the hub and the environment's DFSPs on
# the switch simulator with the same onboarding program used on AWS.
# deploy onboards (safe to re-run), validate checks every DFSP is active with
# its limit, funds and endpoints, rollback restarts the simulator with an
# empty ledger.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

require_simulator() {
  if ! pp_sim_running || ! pp_sim_healthy "$(pp_sim_url)"; then
    echo "switch simulator not running at $(pp_sim_url): run the 02-infrastructure deploy first" >&2
    exit 1
  fi
}

onboarding() {
  local url
  url="$(pp_sim_url)"
  pp_tsx packages/onboarding/src/main.ts --env "$PERFPLANE_ENV" \
    --hub-url "${url}/admin" --als-url "${url}/als-admin" --oracle-url "${url}/oracle" \
    --callback-url-template "${url}/callbacks/{dfsp}" "$@"
}

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy)
    require_simulator
    pp_progress 10 "Onboarding the hub and DFSPs"
    onboarding
    pp_progress 80 "Verifying the DFSPs"
    onboarding --verify
    pp_output dfsp_count "$(pp_env_get dfsps | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')"
    pp_progress 100 "Hub and DFSPs onboarded"
    ;;
  validate)
    require_simulator
    pp_progress 30 "Verifying the DFSPs"
    onboarding --verify
    pp_progress 100 "All DFSPs active with limits, funds and endpoints"
    ;;
  rollback)
    pp_progress 20 "Restarting the simulator with an empty ledger"
    was_running=false
    if pp_sim_running; then was_running=true; fi
    pp_sim_stop
    rm -f "$PP_SIM_LEDGER"
    if [[ "$was_running" == true ]]; then pp_sim_start; fi
    pp_progress 100 "Onboarding removed"
    ;;
  troubleshoot)
    onboarding --verify || true
    curl -sS --max-time 2 "$(pp_sim_url)/sim/ledger" || echo "no answer from $(pp_sim_url)/sim/ledger"
    echo
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
