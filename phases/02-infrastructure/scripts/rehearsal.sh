#!/usr/bin/env bash
# Rehearsal infrastructure: the switch simulator on 127.0.0.1 replaces the
# Mojaloop cluster. deploy starts it (detached, pid and ledger under
# $PERFPLANE_HOME/simulator), validate checks /health, rollback stops it and
# keeps the ledger unless PERFPLANE_PURGE=true or --purge is given.
# Usage: rehearsal.sh deploy|validate|rollback [--purge]|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

record_outputs() {
  local url
  url="$(pp_sim_url)"
  pp_output provided_by "rehearsal switch simulator"
  pp_output hub_url "${url}/admin"
  pp_output als_url "${url}/als-admin"
  pp_output oracle_url "${url}/oracle"
  pp_output fspiop_url "${url}/fspiop"
  pp_output sdk_url_template "${url}/sdk/{dfsp}"
  pp_output callback_url_template "${url}/callbacks/{dfsp}"
  pp_output simulator_url "$url"
  pp_output simulator_pid "$(cat "$PP_SIM_PID_FILE")"
  pp_output ledger_file "$PP_SIM_LEDGER"
}

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy)
    pp_progress 10 "Starting the switch simulator"
    pp_sim_start
    record_outputs
    pp_progress 100 "Switch simulator running"
    ;;
  validate)
    pp_progress 20 "Checking the switch simulator"
    if ! pp_sim_running; then
      echo "simulator not running: no live pid in ${PP_SIM_PID_FILE}; run the 02-infrastructure deploy" >&2
      exit 1
    fi
    if ! pp_sim_healthy "$(pp_sim_url)"; then
      echo "simulator pid $(cat "$PP_SIM_PID_FILE") is alive but $(pp_sim_url)/health does not return 200; see ${PP_SIM_LOG}" >&2
      exit 1
    fi
    record_outputs
    pp_progress 100 "Switch simulator healthy at $(pp_sim_url)"
    ;;
  rollback)
    pp_progress 20 "Stopping the switch simulator"
    pp_sim_stop
    if [[ "${2:-}" == "--purge" || "${PERFPLANE_PURGE:-false}" == "true" ]]; then
      rm -f "$PP_SIM_LEDGER"
      pp_progress 100 "Simulator stopped and its ledger deleted"
    else
      pp_progress 100 "Simulator stopped; ledger kept in ${PP_SIM_LEDGER}"
    fi
    ;;
  troubleshoot)
    if pp_sim_running; then echo "simulator pid $(cat "$PP_SIM_PID_FILE") running"; else echo "simulator not running"; fi
    curl -sS --max-time 2 "$(pp_sim_url)/health" || echo "no answer from $(pp_sim_url)/health"
    echo
    echo "last log lines of ${PP_SIM_LOG}:"
    tail -n 30 "$PP_SIM_LOG" 2>/dev/null || echo "(no log)"
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
