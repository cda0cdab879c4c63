#!/usr/bin/env bash
# k6-operator TestRun helpers for 05, 06 and 07: apply, wait with a
# deadline, sample runner CPU, copy results off the nodes and upload them.
# Source after aws.sh.

PP_K6_NAMESPACE=k6

# pp_k6_connect: point kubectl at the k6 cluster.
pp_k6_connect() {
  pp_kubeconfig "$(pp_input 02-infrastructure k6_cluster_name)"
}

# pp_k6_script_configmap NAME FILE...: create or replace a ConfigMap with the
# given k6 scripts.
pp_k6_script_configmap() {
  local name="$1"
  shift
  local args=() file
  for file in "$@"; do
    [[ -f "$file" ]] || pp_fail "k6 script $file is missing; the k6/ folder provides it"
    args+=(--from-file="$file")
  done
  kubectl create configmap -n "$PP_K6_NAMESPACE" "$name" "${args[@]}" --dry-run=client -o yaml |
    kubectl apply -f - >/dev/null
}

# pp_testrun_apply NAME CONFIGMAP FILE PARALLELISM [testrun.ts options]:
# start a TestRun, replacing a leftover one of the same name from a killed
# build.
pp_testrun_apply() {
  local name="$1"
  kubectl delete testrun -n "$PP_K6_NAMESPACE" "$name" --ignore-not-found --wait=true >/dev/null
  (cd "$PP_ROOT" && npx --no-install tsx phases/lib/testrun.ts "$@") | kubectl apply -f - >/dev/null ||
    pp_fail "could not create TestRun $name; is the k6-operator installed (05-k6-infrastructure)?"
}

pp_testrun_stage() {
  kubectl get testrun -n "$PP_K6_NAMESPACE" "$1" -o jsonpath='{.status.stage}' 2>/dev/null || true
}

# pp_testrun_wait NAME SECONDS: wait until the TestRun finishes. At the
# deadline the TestRun is deleted, which stops its runners, and the phase
# fails naming the stage it was in.
pp_testrun_wait() {
  local name="$1" deadline=$((SECONDS + $2)) stage=""
  while ((SECONDS < deadline)); do
    stage="$(pp_testrun_stage "$name")"
    case "$stage" in
      finished) return 0 ;;
      error) pp_fail "TestRun $name ended in stage error; see kubectl -n $PP_K6_NAMESPACE logs -l k6_cr=$name" ;;
    esac
    sleep 15
  done
  kubectl delete testrun -n "$PP_K6_NAMESPACE" "$name" --ignore-not-found >/dev/null
  pp_fail "TestRun $name passed its deadline of $2s in stage ${stage:-unknown}; it was stopped"
}

# pp_testrun_sample_cpu NAME FILE: in the background, append each runner's
# CPU use (millicores) every 15 s to FILE as "time pod millicores" lines.
# Prints the sampler's process id; the caller kills it.
pp_testrun_sample_cpu() {
  local name="$1" file="$2"
  (
    for _ in $(seq 1 2000); do
      kubectl top pods -n "$PP_K6_NAMESPACE" -l "k6_cr=$name,runner=true" --no-headers 2>/dev/null |
        awk -v t="$(date -u +%s)" '{sub(/m$/, "", $2); print t, $1, $2}' >>"$file" || true
      sleep 15
    done
  ) >/dev/null 2>&1 &
  echo $!
}

# pp_testrun_collect NAME DEST: copy every runner's results folder from the
# k6-results DaemonSet pods on the runner nodes into DEST/<pod>/.
pp_testrun_collect() {
  local name="$1" dest="$2" pod
  mkdir -p "$dest"
  for pod in $(kubectl get pods -n "$PP_K6_NAMESPACE" -l app.kubernetes.io/name=k6-results -o name); do
    kubectl exec -n "$PP_K6_NAMESPACE" "${pod#pod/}" -- test -d "/results/$name" 2>/dev/null || continue
    kubectl cp -n "$PP_K6_NAMESPACE" "${pod#pod/}:/results/$name" "$dest" >/dev/null ||
      pp_fail "could not copy results of $name from ${pod#pod/}; the files stay on the node until the TestRun is re-run"
  done
  find "$dest" -name samples.json.gz | grep -q . || pp_fail "no runner of $name wrote results; see ./troubleshoot.sh"
}

# pp_artifacts_bucket: the bucket for results and reports: the CodeBuild
# project's artifacts bucket, or else the Terraform state bucket.
pp_artifacts_bucket() {
  if [[ -n "${PERFPLANE_ARTIFACTS_BUCKET:-}" ]]; then
    printf '%s\n' "$PERFPLANE_ARTIFACTS_BUCKET"
  else
    pp_input 02-infrastructure state_bucket
  fi
}

# pp_results_url: S3 prefix of this environment's k6 results.
pp_results_url() {
  printf 's3://%s/results/%s\n' "$(pp_artifacts_bucket)" "$PERFPLANE_ENV"
}

# pp_reports_url RUN_ID: S3 prefix of one run's analysis reports.
pp_reports_url() {
  printf 's3://%s/reports/%s/%s\n' "$(pp_artifacts_bucket)" "$PERFPLANE_ENV" "$1"
}

# pp_testrun_cleanup NAME: delete the TestRun and its files on the nodes;
# called only after the results are in S3.
pp_testrun_cleanup() {
  local name="$1" pod
  kubectl delete testrun -n "$PP_K6_NAMESPACE" "$name" --ignore-not-found >/dev/null
  for pod in $(kubectl get pods -n "$PP_K6_NAMESPACE" -l app.kubernetes.io/name=k6-results -o name); do
    kubectl exec -n "$PP_K6_NAMESPACE" "${pod#pod/}" -- rm -rf "/results/$name" 2>/dev/null || true
  done
}

# pp_k6_variables: print the k6 script variables of this environment, one
# NAME=value a line, as the scripts in k6/ read them. The SDK outbound API
# of each DFSP is reached through the Mojaloop cluster's internal ingress.
pp_k6_variables() {
  local ingress
  ingress="$(pp_input 04-mojaloop ingress_hostname)"
  printf 'TRANSFER_API=%s\n' "$(pp_env .transferApi)"
  printf 'SDK_URL_TEMPLATE=http://%s/sdk/{dfsp}\n' "$ingress"
  printf 'FSPIOP_URL=http://%s\n' "$ingress"
  printf 'BASE_URL=http://%s\n' "$ingress"
  printf 'DFSPS=%s\n' "$(jq -c '[.dfsps[] | {id, msisdnPrefix}]' "$PP_ENV_JSON_FILE")"
  printf 'CURRENCY=%s\n' "$(pp_env .currency)"
  printf 'P95_MS=%s\n' "$(pp_env .target.p95Ms)"
  printf 'MAX_ERROR_RATE=%s\n' "$(pp_env .target.maxErrorRate)"
}

# pp_k6_archive SCRIPT OUTPUT NAME=VALUE...: bundle a k6 script, its imports
# and the given variables into one archive, which fits a ConfigMap and runs
# the same on every runner.
pp_k6_archive() {
  local script="$1" output="$2"
  shift 2
  local args=() pair
  for pair in "$@"; do
    args+=(-e "$pair")
  done
  command -v k6 >/dev/null || pp_fail "k6 is not on PATH; buildspecs/install-tools.sh installs it on CodeBuild"
  k6 archive --quiet "${args[@]}" -O "$output" "$script" >/dev/null ||
    pp_fail "k6 archive of $script failed; run: k6 inspect $script"
}

# pp_runner_exit_codes NAME: print the exit code of each runner pod, one a line.
pp_runner_exit_codes() {
  kubectl get pods -n "$PP_K6_NAMESPACE" -l "k6_cr=$1,runner=true" -o json |
    jq -r '.items[] | .status.containerStatuses[0].state.terminated.exitCode // "running"'
}

# pp_testrun_name PREFIX RUN_ID STAGE: a TestRun name unique per run and stage.
pp_testrun_name() {
  (cd "$PP_ROOT" && npx --no-install tsx phases/lib/testrun.ts --name "$1" "$2" "$3")
}

# pp_duration_seconds DURATION: seconds in a k6 duration such as 90s, 10m or 1h.
pp_duration_seconds() {
  if [[ ! "$1" =~ ^([0-9]+)(ms|s|m|h)$ ]]; then
    pp_fail "\"$1\" in $PP_ENV_FILE is not a k6 duration such as 30s, 10m or 1h"
  fi
  local value="${BASH_REMATCH[1]}"
  case "${BASH_REMATCH[2]}" in
    ms) echo $(((value + 999) / 1000)) ;;
    s) echo "$value" ;;
    m) echo $((value * 60)) ;;
    h) echo $((value * 3600)) ;;
  esac
}
