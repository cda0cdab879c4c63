#!/usr/bin/env bash
# The load ladder of 07-performance-tests: one TestRun per stage of the
# environment's ladder, constant arrival rate split across parallel runners.

# stage_count: number of ladder stages in the environment.
stage_count() {
  jq '.ladder | length' "$PP_ENV_JSON_FILE"
}

# stage_field INDEX FIELD: one field of a ladder stage.
stage_field() {
  jq -r --argjson i "$1" --arg f "$2" '.ladder[$i][$f] // empty' "$PP_ENV_JSON_FILE"
}

# stage_done PREFIX: whether a stage's results are already in S3, so a
# resumed run skips it instead of loading the switch twice.
stage_done() {
  pp_aws s3 ls "$1/health.json" >/dev/null 2>&1
}

# run_ladder RUN_ID FIRST_PERCENT LAST_PERCENT: run every stage in order,
# skipping those already uploaded for this run; records per-stage outputs
# and fails at the end when any stage was invalid.
run_ladder() {
  local run_id="$1" first="$2" last="$3" count index name stage prefix deadline
  local parallelism variables=() invalid=()
  count="$(stage_count)"
  parallelism="$(pp_env .k6.parallelRunners)"
  mapfile -t variables < <(pp_k6_variables)
  for ((index = 0; index < count; index++)); do
    stage="$(stage_field "$index" name)"
    prefix="$(pp_results_url)/$run_id/07-performance-tests/$stage"
    pp_progress $((first + (last - first) * index / count)) \
      "Stage $stage: $(stage_field "$index" rate) transfers a second for $(stage_field "$index" duration) on $parallelism runners"
    if stage_done "$prefix"; then
      pp_log "stage $stage already has results in $prefix; skipping it"
      continue
    fi
    if ! pp_confirm "Run stage $stage?"; then
      continue
    fi
    name="$(pp_testrun_name ladder "$run_id" "$stage")"
    # Each stage gets its duration plus 20 minutes for ramp-up of the runners,
    # setup and collection; past that the TestRun is stopped.
    deadline=$(($(pp_duration_seconds "$(stage_field "$index" duration)") + 1200))
    pp_run_stage "$name" k6/transfers.ts "$parallelism" "$deadline" "$prefix" \
      "${variables[@]}" "STAGES=$(jq -c --argjson i "$index" '[.ladder[$i]]' "$PP_ENV_JSON_FILE")"
    pp_record "stage.$stage.results" "$prefix"
    pp_record "stage.$stage.valid" "$(jq -r .valid "$PP_STAGE_HEALTH")"
    pp_record "stage.$stage.dropped_iterations" "$(jq -r .droppedIterations "$PP_STAGE_HEALTH")"
    pp_record "stage.$stage.peak_runner_millicores" "$(jq -r .peakRunnerMillicores "$PP_STAGE_HEALTH")"
    if [[ "$(jq -r .valid "$PP_STAGE_HEALTH")" != true ]]; then
      invalid+=("$stage")
      pp_log "stage $stage is invalid as a measurement: $(jq -c '{droppedIterations, cpuSaturated}' "$PP_STAGE_HEALTH")"
    fi
  done
  pp_record results_url "$(pp_results_url)/$run_id/07-performance-tests"
  pp_record run_id "$run_id"
  if ((${#invalid[@]} > 0)); then
    pp_fail "stages ${invalid[*]} are invalid because the k6 generators dropped iterations or saturated their CPU; add runners (k6.parallelRunners and the runners node group) and re-run"
  fi
}
