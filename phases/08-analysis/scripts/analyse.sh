#!/usr/bin/env bash
# Analysis of 08-analysis: download every runner's results of the ladder
# run, run the report per stage (the final stage against the environment's
# target) and upload the reports.

# analysis_report STAGE_DIR OUT_DIR [target options]: run the analysis CLI
# over one stage's runner files; prints its exit status (0 met, 1 missed or
# invalid) and fails on any other status.
analysis_report() {
  local stage_dir="$1" out="$2" files=() health status=0
  shift 2
  mapfile -t files < <(find "$stage_dir/runners" -name 'samples.json*' | sort)
  ((${#files[@]} > 0)) || pp_fail "no runner samples in $stage_dir; re-run 07-performance-tests for this stage"
  health="$stage_dir/generator-health.json"
  if [[ -f "$stage_dir/health.json" ]]; then
    jq '{maxCpuPercent: (if .nodeAllocatableMillicores > 0 then 100 * .peakRunnerMillicores / .nodeAllocatableMillicores else 0 end)}' \
      "$stage_dir/health.json" >"$health"
  else
    echo '{}' >"$health"
  fi
  mkdir -p "$out"
  (cd "$PP_ROOT" && npx --no-install tsx packages/analysis/src/cli.ts report "${files[@]}" \
    --out "$out" --generator-health "$health" "$@") >"$out/analysis.log" 2>&1 || status=$?
  if ((status > 1)); then
    tail -n 20 "$out/analysis.log" >&2
    pp_fail "analysis of $stage_dir failed with status $status; see $out/analysis.log"
  fi
  echo "$status"
}

# analyse_run RESULTS_URL RUN_ID: analyse every stage in ladder order and
# upload the reports; records where they are and whether the target was met.
analyse_run() {
  local results="$1" run_id="$2" work reports count index stage status target_status=""
  local program="$PP_ROOT/packages/analysis/src/cli.ts"
  [[ -f "$program" ]] || pp_fail "analysis CLI $program is missing; it comes with the @perfplane/analysis workspace"
  work="$(pp_work_dir)/analysis/$run_id"
  reports="$work/reports"
  rm -rf "$work"
  mkdir -p "$work/results" "$reports"
  pp_aws s3 cp --recursive --only-show-errors "$results/" "$work/results/" ||
    pp_fail "could not download $results; check that 07-performance-tests uploaded it"
  count="$(jq '.ladder | length' "$PP_ENV_JSON_FILE")"
  for ((index = 0; index < count; index++)); do
    stage="$(jq -r --argjson i "$index" '.ladder[$i].name' "$PP_ENV_JSON_FILE")"
    pp_progress $((20 + 60 * index / count)) "Analysing stage $stage"
    if ((index == count - 1)); then
      # The last stage is the sustained one the target applies to.
      status="$(analysis_report "$work/results/$stage" "$reports/$stage" \
        --target-tps "$(pp_env .target.tps)" --target-p95-ms "$(pp_env .target.p95Ms)" \
        --target-error-rate "$(pp_env .target.maxErrorRate)")"
      target_status="$status"
    else
      status="$(analysis_report "$work/results/$stage" "$reports/$stage")"
    fi
    pp_log "stage $stage: analysis status $status"
  done
  local url
  url="$(pp_reports_url "$run_id")"
  pp_aws s3 cp --recursive --only-show-errors "$reports/" "$url/"
  pp_record reports_url "$url"
  pp_record local_reports "$reports"
  pp_record target_met "$([[ "$target_status" == 0 ]] && echo true || echo false)"
  if [[ "$target_status" != 0 ]]; then
    pp_fail "the final stage missed the target or was invalid; read $url/$stage/summary.md"
  fi
}
