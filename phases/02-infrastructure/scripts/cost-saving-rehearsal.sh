#!/usr/bin/env bash
# Cost-saving mode of the rehearsal: stops the switch simulator, which writes
# its ledger first; --restore starts it again from that ledger, with the same
# positions, limits, endpoints and parties.
# Usage: cost-saving-rehearsal.sh on|off (on stops, off restores; --restore
# is accepted for off). scripts/cost-saving.sh dispatches here.
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

if [[ "${PERFPLANE_PLATFORM:-rehearsal}" != "rehearsal" ]]; then
  echo "cost-saving.sh handles PERFPLANE_PLATFORM=rehearsal only, got '${PERFPLANE_PLATFORM}'" >&2
  exit 2
fi

case "${1:-}" in
  off | --restore)
    pp_progress 10 "Restoring the switch simulator from ${PP_SIM_LEDGER}"
    if [[ ! -f "$PP_SIM_LEDGER" ]]; then
      echo "no kept ledger at ${PP_SIM_LEDGER}: the simulator starts empty; run 04-mojaloop again" >&2
    fi
    pp_sim_start
    pp_progress 100 "Switch simulator restored"
    ;;
  on | "")
    pp_progress 10 "Stopping the switch simulator, keeping its ledger"
    pp_sim_stop
    pp_progress 100 "Switch simulator stopped; ledger kept in ${PP_SIM_LEDGER}"
    ;;
  *)
    echo "unknown option '$1': use on to stop, off to start again" >&2
    exit 2
    ;;
esac
