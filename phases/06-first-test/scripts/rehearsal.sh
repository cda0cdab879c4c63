#!/usr/bin/env bash
# Rehearsal first test: a k6 smoke run against the switch simulator at the
# environment's smoke rate and duration. Results go to
# $PERFPLANE_HOME/results/<run>/smoke.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

outdir="$(pp_results_dir)/smoke"

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy | validate)
    if ! pp_sim_running; then
      echo "switch simulator not running: run the 02-infrastructure and 04-mojaloop deploys first" >&2
      exit 1
    fi
    mapfile -t smoke < <(pp_env_get smoke.rate smoke.duration)
    mapfile -t k6_env < <(pp_k6_env)
    pp_progress 10 "Smoke test: ${smoke[0]} transfers/s for ${smoke[1]}"
    status=0
    pp_k6_run smoke "$outdir" k6/smoke.ts "${k6_env[@]}" \
      -e "SMOKE_RATE=${smoke[0]}" -e "SMOKE_DURATION=${smoke[1]}" || status=$?
    pp_output smoke_results_dir "$outdir"
    if ((status == 99)); then
      echo "smoke test crossed a threshold (error rate or p95); see ${outdir}/k6.log" >&2
      tail -n 40 "${outdir}/k6.log" >&2
      exit 1
    elif ((status != 0)); then
      echo "k6 failed with status ${status}; see ${outdir}/k6.log" >&2
      tail -n 40 "${outdir}/k6.log" >&2
      exit 1
    fi
    pp_progress 100 "Smoke test passed"
    ;;
  rollback)
    pp_progress 100 "Nothing to roll back: smoke results are kept in ${outdir}"
    ;;
  troubleshoot)
    tail -n 60 "${outdir}/k6.log" 2>/dev/null || echo "no smoke run in ${outdir}"
    cat "${outdir}/generator-health.json" 2>/dev/null || true
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
