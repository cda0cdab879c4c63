#!/usr/bin/env bash
# The smoke stage of 06-first-test, used by deploy.sh and validate.sh.

# smoke_deadline_seconds: the smoke duration plus 10 minutes for scheduling,
# setup and result collection.
smoke_deadline_seconds() {
  echo $(($(pp_duration_seconds "$(pp_env .smoke.duration)") + 600))
}

# run_smoke RUN_ID: run the smoke TestRun, upload results and record the
# outcome. Fails when a runner's thresholds failed or the generator was
# unhealthy.
run_smoke() {
  local run_id="$1" name prefix variables=()
  name="$(pp_testrun_name smoke "$run_id" smoke)"
  prefix="$(pp_results_url)/$run_id/06-first-test"
  mapfile -t variables < <(pp_k6_variables)
  variables+=("SMOKE_RATE=$(pp_env .smoke.rate)" "SMOKE_DURATION=$(pp_env .smoke.duration)")
  pp_run_stage "$name" k6/smoke.ts 1 "$(smoke_deadline_seconds)" "$prefix" "${variables[@]}"
  pp_record smoke_results "$prefix"
  pp_record smoke_testrun "$name"
  if grep -qvx 0 "$PP_STAGE_DIR/exit-codes.txt"; then
    pp_record smoke_passed false
    pp_fail "smoke thresholds failed (runner exit codes: $(paste -sd, "$PP_STAGE_DIR/exit-codes.txt")); results in $prefix. Check the transfer flow with 04-mojaloop validate.sh"
  fi
  if [[ "$(jq -r .valid "$PP_STAGE_HEALTH")" != true ]]; then
    pp_record smoke_passed false
    pp_fail "smoke generator unhealthy: $(jq -c '{droppedIterations, cpuSaturated}' "$PP_STAGE_HEALTH")"
  fi
  pp_record smoke_passed true
}
