#!/usr/bin/env bash
# Rehearsal performance tests: the environment's load ladder with k6 against
# the switch simulator. Writes runner-1.json.gz, summary.json, k6.log and
# generator-health.json to $PERFPLANE_HOME/results/<run>/ladder. The run
# fails when k6 crossed a threshold, and is reported invalid when k6 dropped
# iterations or saturated its CPU.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

outdir="${PERFPLANE_RESULTS_DIR:-$(pp_results_dir)/ladder}"

# record_health: outputs the load generator's health for later phases.
record_health() {
  node -e '
    const health = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    console.log(`##perfplane[output] dropped_iterations=${health.dropped_iterations}`);
    console.log(`##perfplane[output] k6_cpu_avg_percent=${health.k6_cpu_avg_percent}`);
    console.log(`##perfplane[output] generator_valid=${health.valid}`);
  ' "${outdir}/generator-health.json"
}

check_health() {
  # The single-quoted text is JavaScript for node, not shell.
  # shellcheck disable=SC2016
  node -e '
    const health = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    if (!health.valid) {
      console.error(`load generator invalid: ${health.reasons.join("; ")}; the figures measure k6, not the switch`);
      process.exit(1);
    }
  ' "${outdir}/generator-health.json"
}

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy)
    if ! pp_sim_running; then
      echo "switch simulator not running: run the 02-infrastructure and 04-mojaloop deploys first" >&2
      exit 1
    fi
    # PERFPLANE_LADDER (JSON stages) replaces the ladder of the environment file, for short checks.
    stages="${PERFPLANE_LADDER:-$(pp_env_get ladder)}"
    mapfile -t k6_env < <(pp_k6_env)
    ladder_text="$(printf '%s' "$stages" | node -e '
      const stages = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
      console.log(stages.map((s) => `${s.name} ${s.rate}/s for ${s.duration}`).join(", "));')"
    pp_progress 5 "Load ladder: ${ladder_text}"
    cp "${PP_ROOT}/environments/${PERFPLANE_ENV}.yaml" "${outdir}.environment.yaml" 2>/dev/null || true
    status=0
    pp_k6_run ladder "$outdir" k6/transfers.ts "${k6_env[@]}" -e "STAGES=${stages}" || status=$?
    pp_output results_dir "$outdir"
    pp_output k6_exit_status "$status"
    pp_progress 95 "Checking the load generator's health"
    record_health
    check_health
    if ((status == 99)); then
      echo "the ladder crossed a threshold of the environment target; see ${outdir}/k6.log" >&2
      tail -n 40 "${outdir}/k6.log" >&2
      exit 1
    elif ((status != 0)); then
      echo "k6 failed with status ${status}; see ${outdir}/k6.log" >&2
      tail -n 40 "${outdir}/k6.log" >&2
      exit 1
    fi
    pp_progress 100 "Ladder finished within the target"
    ;;
  validate)
    dir="$(pp_input 07-performance-tests.results_dir)"
    outdir="${dir:-$outdir}"
    if [[ ! -f "${outdir}/summary.json" || ! -f "${outdir}/generator-health.json" ]]; then
      echo "no ladder results in ${outdir}: run the 07-performance-tests deploy" >&2
      exit 1
    fi
    check_health
    pp_output results_dir "$outdir"
    pp_progress 100 "Ladder results present and the load generator was healthy"
    ;;
  rollback)
    pp_progress 100 "Nothing to roll back: ladder results are kept in ${outdir}"
    ;;
  troubleshoot)
    tail -n 60 "${outdir}/k6.log" 2>/dev/null || echo "no ladder run in ${outdir}"
    cat "${outdir}/generator-health.json" 2>/dev/null || true
    curl -sS --max-time 2 "$(pp_sim_url)/sim/ledger" 2>/dev/null || true
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
