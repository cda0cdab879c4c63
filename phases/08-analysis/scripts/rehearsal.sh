#!/usr/bin/env bash
# Rehearsal analysis: the report over the ladder results of 07, written next
# to them in report/.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"

results="$(pp_input 07-performance-tests.results_dir)"
if [[ -z "$results" ]]; then
  # Without recorded inputs, the newest ladder results of any run.
  results="$(find "${PERFPLANE_HOME}/results" -mindepth 2 -maxdepth 2 -type d -name ladder \
    -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -n 1 | cut -d' ' -f2- || true)"
fi
report="${results%/}/report"
cli="${PP_ROOT}/packages/analysis/src/cli.ts"

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
    target="$(pp_env_get target)"
    pp_tsx packages/analysis/src/cli.ts report "$results" --out "$report" --target "$target"
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
