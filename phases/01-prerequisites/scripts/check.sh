#!/usr/bin/env bash
# Checks for phase 01-prerequisites, sourced by deploy.sh and validate.sh:
# tools and their versions, AWS credentials and service quotas. Each check
# reports what is missing with pp_unmet and never stops at the first gap, so
# one run lists everything to fix.

PP_UNMET_COUNT=0

pp_require() {
  PP_UNMET_COUNT=$((PP_UNMET_COUNT + 1))
  pp_unmet "$1"
}

# tool_version TOOL: print the installed version of TOOL, digits and dots only.
tool_version() {
  local raw=""
  case "$1" in
    aws) raw="$(aws --version 2>&1)" ;;
    jq) raw="$(jq --version 2>&1)" ;;
    node) raw="$(node --version 2>&1)" ;;
    terraform) raw="$(terraform version 2>/dev/null | head -n 1)" ;;
    kubectl) raw="$(kubectl version --client 2>/dev/null | head -n 1)" ;;
    helm) raw="$(helm version --short 2>/dev/null)" ;;
    k6) raw="$(k6 version 2>/dev/null)" ;;
  esac
  grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' <<<"$raw" | head -n 1
}

# version_at_least FOUND MINIMUM
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" == "$2" ]]
}

check_tools() {
  local tool minimum needed version
  while IFS=$'\t' read -r tool minimum needed; do
    [[ -z "$tool" || "$tool" == \#* ]] && continue
    if ! command -v "$tool" >/dev/null 2>&1; then
      pp_require "$tool >= $minimum not found on PATH (needed by $needed); install it"
      continue
    fi
    version="$(tool_version "$tool")"
    if [[ -z "$version" ]] || ! version_at_least "$version" "$minimum"; then
      pp_require "$tool ${version:-of unknown version} is older than $minimum (needed by $needed); upgrade it"
    elif [[ "$PP_DETAILED" == true ]]; then
      printf '  ok  %-10s %s (>= %s)\n' "$tool" "$version" "$minimum"
    fi
  done <"$PHASE_DIR/config/tools.tsv"
}

# aws_call ARGS...: run the AWS CLI with bounded timeouts; stderr goes to
# $PP_AWS_ERROR so a failure prints one line, not a trace.
aws_call() {
  aws --cli-connect-timeout 10 --cli-read-timeout 30 --output json "$@" 2>"$PP_AWS_ERROR"
}

aws_error_line() {
  grep -vE '^\s*$' "$PP_AWS_ERROR" | tail -n 1 | cut -c1-300
}

check_access() {
  PP_AWS_OK=false
  if ! command -v aws >/dev/null 2>&1; then
    pp_require "AWS access: not checked because the aws CLI is missing"
    return
  fi
  if ! pp_has_local_credentials; then
    pp_require "AWS credentials: ${PP_CREDENTIALS_HINT:-none found} (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run on CodeBuild with a service role)"
    return
  fi
  local identity
  if ! identity="$(aws_call sts get-caller-identity --region "$PP_REGION")"; then
    pp_require "AWS credentials: sts get-caller-identity failed in $PP_REGION: $(aws_error_line); refresh the credentials"
    return
  fi
  PP_ACCOUNT="$(jq -r .Account <<<"$identity")"
  local expected
  expected="$(pp_env '.aws.accountId')"
  if [[ -n "$expected" && "$expected" != "$PP_ACCOUNT" ]]; then
    pp_require "AWS account: credentials are for $PP_ACCOUNT but $PP_ENV_FILE names aws.accountId $expected; switch profile"
    return
  fi
  PP_AWS_OK=true
  pp_log "AWS account $PP_ACCOUNT, region $PP_REGION, caller $(jq -r .Arn <<<"$identity")"
}

# quota_limit SERVICE CODE: print the applied quota value, or the AWS default
# when the account has never changed it; nothing when both calls fail.
quota_limit() {
  local value
  if value="$(aws_call service-quotas get-service-quota --region "$PP_REGION" \
    --service-code "$1" --quota-code "$2" --query Quota.Value)"; then
    printf '%s\n' "$value"
    return
  fi
  aws_call service-quotas get-aws-default-service-quota --region "$PP_REGION" \
    --service-code "$1" --quota-code "$2" --query Quota.Value || true
}

# quota_usage CODE: print what resources outside this environment already
# use of the quota. Resources tagged with this environment are excluded, so
# validating after 02-infrastructure does not count its own clusters.
quota_usage() {
  local tag="Name=tag:perfplane:environment,Values=$PERFPLANE_ENV"
  case "$1" in
    L-1216C47A)
      aws_call ec2 describe-instances --region "$PP_REGION" \
        --filters Name=instance-state-name,Values=pending,running \
        --query 'Reservations[].Instances[].{type:InstanceType,cpu:CpuOptions,tags:Tags}' |
        jq --arg env "$PERFPLANE_ENV" '[.[] | select(.type | test("^[acdhimrtz][0-9]"))
          | select(([.tags // [] | .[] | select(.Key == "perfplane:environment" and .Value == $env)] | length) == 0)
          | (.cpu.CoreCount // 1) * (.cpu.ThreadsPerCore // 1)] | add // 0'
      ;;
    L-F678F1CE)
      local all ours
      all="$(aws_call ec2 describe-vpcs --region "$PP_REGION" --query 'length(Vpcs)')"
      ours="$(aws_call ec2 describe-vpcs --region "$PP_REGION" --filters "$tag" --query 'length(Vpcs)')"
      echo $((all - ours))
      ;;
    L-0263D0A3)
      local all ours
      all="$(aws_call ec2 describe-addresses --region "$PP_REGION" --query 'length(Addresses)')"
      ours="$(aws_call ec2 describe-addresses --region "$PP_REGION" --filters "$tag" --query 'length(Addresses)')"
      echo $((all - ours))
      ;;
    L-FE5A380F)
      # NOTE: counted per subnet, which undercounts an AZ holding NAT gateways
      # in several subnets; the quota itself is per Availability Zone.
      aws_call ec2 describe-nat-gateways --region "$PP_REGION" \
        --filter Name=state,Values=pending,available \
        --query 'NatGateways[].{subnet:SubnetId,tags:Tags}' |
        jq --arg env "$PERFPLANE_ENV" '[.[] | select(([.tags // [] | .[] | select(.Key == "perfplane:environment" and .Value == $env)] | length) == 0)]
          | group_by(.subnet) | map(length) | max // 0'
      ;;
    L-1194D53C)
      aws_call eks list-clusters --region "$PP_REGION" |
        jq --arg a "$(pp_env .aws.mojaloopCluster.name)" --arg b "$(pp_env .aws.k6Cluster.name)" \
          '[.clusters[] | select(. != $a and . != $b)] | length'
      ;;
    L-7B6409FD)
      aws_call rds describe-db-instances --region "$PP_REGION" \
        --query 'DBInstances[].DBInstanceIdentifier' |
        jq --arg own "$(pp_env .aws.mojaloopCluster.name)-mysql" '[.[] | select(. != $own)] | length'
      ;;
    *) echo 0 ;;
  esac
}

check_quotas() {
  if [[ "$PP_AWS_OK" != true ]]; then
    pp_require "service quotas: not checked because AWS access failed; fix the credentials above and re-run"
    return
  fi
  local requirements readings service code limit used
  requirements="$(cd "$PP_ROOT" && npx --no-install tsx "$PHASE_DIR/scripts/quota-check.ts" requirements "$PERFPLANE_ENV")" ||
    pp_fail "quota requirements could not be computed from $PP_ENV_FILE"
  readings="$(mktemp)"
  echo '[]' >"$readings"
  while read -r service code; do
    limit="$(quota_limit "$service" "$code")"
    used="$(quota_usage "$code" 2>/dev/null || true)"
    jq --arg code "$code" --arg limit "$limit" --arg used "$used" \
      '. + [{code: $code} + (if $limit == "" then {} else {limit: ($limit | tonumber)} end)
        + (if $used == "" then {} else {used: ($used | tonumber)} end)]' \
      "$readings" >"$readings.next"
    mv "$readings.next" "$readings"
  done < <(jq -r '.[] | "\(.service) \(.code)"' <<<"$requirements")
  local status=0 output
  output="$(cd "$PP_ROOT" && npx --no-install tsx "$PHASE_DIR/scripts/quota-check.ts" evaluate "$PERFPLANE_ENV" "$readings")" || status=$?
  rm -f "$readings"
  printf '%s\n' "$output" | grep -v '^##perfplane\[unmet\]' || true
  while IFS= read -r line; do
    pp_require "${line#\#\#perfplane\[unmet\] }"
  done < <(grep '^##perfplane\[unmet\]' <<<"$output" || true)
  if ((status != 0 && status != 3)); then
    pp_fail "quota check failed; see the message above"
  fi
}

# run_checks: every check in order; returns the number of unmet requirements.
run_checks() {
  PP_AWS_ERROR="$(mktemp)"
  PP_REGION="$(pp_env .aws.region)"
  [[ -n "$PP_REGION" ]] || pp_fail "$PP_ENV_FILE has no aws.region; add the aws section"
  pp_progress 10 "Checking tools"
  check_tools
  pp_progress 40 "Checking AWS access"
  check_access
  pp_progress 60 "Checking service quotas"
  check_quotas
  rm -f "$PP_AWS_ERROR"
}

# report_unmet: print the summary and exit 3 when anything is missing.
report_unmet() {
  if ((PP_UNMET_COUNT > 0)); then
    echo "prerequisites: $PP_UNMET_COUNT requirement(s) not met; see the ##perfplane[unmet] lines above"
    exit "$PP_REQUIREMENTS_NOT_MET"
  fi
}
