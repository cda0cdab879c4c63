#!/usr/bin/env bash
# Rehearsal analysis: the report over the ladder results of 07, written next
# to them in report/.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

results="$(pp_input 07-performance-tests.results_dir)"
if [[ -z "$results" ]]; then
  # Without recorded inputs, the newest ladder results of any run.
  results="$(find "${PERFPLANE_HOME}/results" -mindepth 2 -maxdepth 2 -type d -name ladder \
    -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2- || true)"
fi
report="${results%/}/report"
cli="${PP_ROOT}/packages/analysis/src/cli.ts"

# sustained_window: prints the seconds to trim at the start and at the end so
# that the verdict covers the last ladder stage, the sustained one, less a
# tenth of it at each end. Earlier stages are ramp-up, not the figure to judge.
# The k6 ladder starts each stage after the previous one plus a 10 s graceful stop.
# PERFPLANE_LADDER replaces the environment's ladder, as it does in 07.
sustained_window() {
  local -a durations
  local ladder="${PERFPLANE_LADDER:-}"
  if [[ -z "$ladder" ]]; then
    ladder="$(pp_env_get ladder)"
  fi
  mapfile -t durations < <(printf '%s' "$ladder" | node -e '
    const ladder = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    const unit = { ms: 0.001, s: 1, m: 60, h: 3600 };
    for (const stage of ladder) {
      const [, amount, suffix] = /^(\d+)(ms|s|m|h)$/.exec(stage.duration);
      console.log(Number(amount) * unit[suffix]);
    }')
  local last="${durations[-1]}" before=0 index
  for ((index = 0; index < ${#durations[@]} - 1; index++)); do
    before=$((before + ${durations[index]%.*} + 10))
  done
  local margin=$(( ${last%.*} / 10 ))
  echo "$((before + margin)) $margin"
}

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy)
    if [[ -z "$results" || ! -d "$results" ]]; then
      echo "no ladder results found: run the 07-performance-tests deploy first" >&2
      exit 1
    fi
    if [[ ! -f "$cli" ]]; then
      echo "the analysis CLI ${cli} is missing: the @perfplane/analysis package is not in this checkout" >&2
      exit 1
    fi
    mkdir -p "$report"
    pp_progress 10 "Analysing ${results}"
    mapfile -t target < <(pp_env_get target.tps target.p95Ms target.maxErrorRate)
    shopt -s nullglob
    runner_files=("$results"/runner-*.json.gz "$results"/runner-*.json)
    shopt -u nullglob
    if [[ ${#runner_files[@]} -eq 0 ]]; then
      echo "no k6 runner output (runner-*.json.gz) in ${results}: run the 07-performance-tests deploy again" >&2
      exit 1
    fi
    health_args=()
    if [[ -f "$results/generator-health.json" ]]; then
      health_args+=(--generator-health "$results/generator-health.json")
    fi
    if [[ -f "$results/k6.log" ]]; then
      health_args+=(--k6-log "$results/k6.log")
    fi
    read -r trim_start trim_end < <(sustained_window)
    pp_tsx packages/analysis/src/cli.ts report "${runner_files[@]}" --out "$report" \
      --target-tps "${target[0]}" --target-p95-ms "${target[1]}" \
      --target-error-rate "${target[2]}" --trim-start "$trim_start" --trim-end "$trim_end" \
      "${health_args[@]}"
    pp_output report_dir "$report"
    pp_progress 100 "Report written to ${report}"
    ;;
  validate)
    if [[ -z "$results" || ! -d "$report" ]] || [[ -z "$(ls -A "$report" 2>/dev/null)" ]]; then
      echo "no report in ${report:-'(no results)'}: run the 08-analysis deploy" >&2
      exit 1
    fi
    pp_output report_dir "$report"
    pp_progress 100 "Report present in ${report}"
    ;;
  rollback)
    if [[ -n "$results" ]]; then rm -rf "$report"; fi
    pp_progress 100 "Report removed; results kept"
    ;;
  troubleshoot)
    echo "results: ${results:-none}; report: ${report}; analysis CLI: $([[ -f "$cli" ]] && echo present || echo missing)"
    ls -l "$report" 2>/dev/null || true
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
