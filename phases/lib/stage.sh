#!/usr/bin/env bash
# shellcheck disable=SC2034 # PP_STAGE_DIR and PP_STAGE_HEALTH are read by the callers
# One k6 stage on the k6 cluster, shared by 06-first-test and
# 07-performance-tests. It archives the script and runs it as a TestRun with
# a deadline while sampling runner CPU. Then it copies every runner's results
# and the generator health to S3 and deletes the TestRun. Source after
# testrun.sh.

# pp_run_stage NAME SCRIPT PARALLELISM DEADLINE_SECONDS S3_PREFIX VARIABLE...
# Sets PP_STAGE_DIR (local results) and PP_STAGE_HEALTH (health JSON file).
pp_run_stage() {
  local name="$1" script="$2" parallelism="$3" deadline="$4" prefix="$5"
  shift 5
  local dir archive sampler remote_write extra=()
  dir="$(pp_work_dir)/stages/$name"
  rm -rf "$dir"
  mkdir -p "$dir/results"
  archive="$dir/$name.tar"
  pp_k6_archive "$PP_ROOT/$script" "$archive" "$@"
  pp_k6_script_configmap "$name" "$archive"
  remote_write="$(pp_env .k6.prometheusRemoteWrite)"
  [[ -n "$remote_write" ]] && extra=(--remote-write "$remote_write")
  pp_testrun_apply "$name" "$name" "$name.tar" "$parallelism" "${extra[@]}"
  sampler="$(pp_testrun_sample_cpu "$name" "$dir/cpu.txt")"
  # The sampler is stopped however the wait ends.
  trap 'kill '"$sampler"' 2>/dev/null || true' EXIT
  pp_testrun_wait "$name" "$deadline"
  kill "$sampler" 2>/dev/null || true
  pp_runner_exit_codes "$name" >"$dir/exit-codes.txt"
  pp_testrun_collect "$name" "$dir/results"
  pp_stage_health "$name" "$dir" >"$dir/health.json"
  pp_aws s3 cp --recursive --only-show-errors "$dir/results" "$prefix/runners/"
  pp_aws s3 cp --only-show-errors "$dir/health.json" "$prefix/health.json"
  pp_aws s3 cp --only-show-errors "$dir/cpu.txt" "$prefix/cpu.txt" 2>/dev/null || true
  pp_testrun_cleanup "$name"
  kubectl delete configmap -n "$PP_K6_NAMESPACE" "$name" --ignore-not-found >/dev/null
  PP_STAGE_DIR="$dir"
  PP_STAGE_HEALTH="$dir/health.json"
}

# pp_stage_health NAME DIR: generator health as JSON. A stage is valid only
# when no runner dropped iterations and no runner went above 90% of its
# node's allocatable CPU: otherwise k6, not the switch, limited the rate.
pp_stage_health() {
  local name="$1" dir="$2" allocatable dropped
  allocatable="$(kubectl get nodes -l perfplane.io/node-group=runners -o json |
    jq '[.items[].status.allocatable.cpu | if endswith("m") then rtrimstr("m") | tonumber else tonumber * 1000 end] | min // 0')"
  dropped="$(find "$dir/results" -name summary.json -exec jq '.metrics.dropped_iterations.count // 0' {} \; |
    jq -s 'add // 0')"
  jq -n --arg name "$name" --argjson allocatable "$allocatable" --argjson dropped "$dropped" \
    --rawfile cpu "$dir/cpu.txt" --rawfile exits "$dir/exit-codes.txt" '
    ($cpu | split("\n") | map(select(length > 0) | split(" ") | {pod: .[1], millicores: (.[2] | tonumber)})) as $samples
    | ($samples | group_by(.pod) | map({pod: .[0].pod, maxMillicores: (map(.millicores) | max)})) as $runners
    | ($runners | map(.maxMillicores) | max // 0) as $peak
    | {
        testRun: $name,
        droppedIterations: $dropped,
        peakRunnerMillicores: $peak,
        nodeAllocatableMillicores: $allocatable,
        runners: $runners,
        runnerExitCodes: ($exits | split("\n") | map(select(length > 0))),
        cpuSaturated: ($allocatable > 0 and $peak > 0.9 * $allocatable),
      }
    | .valid = (.droppedIterations == 0 and (.cpuSaturated | not))'
}
