#!/usr/bin/env bash
# Emergency stop of the rehearsal: ends every k6 run recorded under
# $PERFPLANE_HOME/k6, then the switch simulator (which writes its ledger on
# SIGTERM). Only processes whose pid files exist and whose command lines
# match are signalled.
# Usage: rehearsal-stop.sh
set -uo pipefail
source "$(dirname "$0")/perfplane.sh"
source "$(dirname "$0")/rehearsal.sh"

stopped=0
shopt -s nullglob
for pid_file in "${PP_K6_PID_DIR}"/*.pid; do
  if pp_pid_alive "$pid_file" "k6"; then
    echo "stopping k6 pid $(cat "$pid_file") ($(basename "$pid_file" .pid))"
    stopped=$((stopped + 1))
  fi
  pp_stop_pidfile "$pid_file" "k6" 10
done
if pp_sim_running; then
  echo "stopping simulator pid $(cat "$PP_SIM_PID_FILE")"
  stopped=$((stopped + 1))
fi
pp_sim_stop
pp_progress 100 "Emergency stop: ${stopped} rehearsal processes stopped"
