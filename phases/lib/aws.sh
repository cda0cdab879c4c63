#!/usr/bin/env bash
# AWS, Kubernetes and Helm helpers shared by the AWS paths of the phase
# scripts. Source after entry.sh.

# pp_has_local_credentials: whether the AWS CLI can find credentials without a
# network call. The instance metadata service is only consulted when the
# operator has not disabled it.
pp_has_local_credentials() {
  if [[ -n "${AWS_ACCESS_KEY_ID:-}" ]]; then
    # Access key ids of IAM users start with AKIA and temporary ones with ASIA;
    # anything else (a test placeholder such as "test") cannot authenticate.
    [[ "$AWS_ACCESS_KEY_ID" =~ ^(AKIA|ASIA)[A-Z0-9]{12,}$ && -n "${AWS_SECRET_ACCESS_KEY:-}" ]] && return 0
    PP_CREDENTIALS_HINT="AWS_ACCESS_KEY_ID is set but is not an AWS access key id (expected AKIA... or ASIA...)"
    return 1
  fi
  [[ -n "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}${AWS_CONTAINER_CREDENTIALS_FULL_URI:-}" ]] && return 0
  [[ -n "${AWS_WEB_IDENTITY_TOKEN_FILE:-}" ]] && return 0
  [[ -n "${AWS_PROFILE:-}" ]] && return 0
  local file
  for file in "${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}" "${AWS_CONFIG_FILE:-$HOME/.aws/config}"; do
    [[ -f "$file" ]] && grep -qE '^(aws_access_key_id|credential_process|sso_start_url|sso_session|role_arn)' "$file" && return 0
  done
  [[ "${AWS_EC2_METADATA_DISABLED:-false}" != true ]] && [[ -n "${CODEBUILD_BUILD_ID:-}" ]]
}

# pp_aws ARGS...: the AWS CLI with bounded timeouts, JSON output, the
# environment's Region and no pager.
pp_aws() {
  AWS_PAGER="" aws --cli-connect-timeout 10 --cli-read-timeout 60 --output json \
    --region "$(pp_env .aws.region)" "$@"
}

# pp_wait_until SECONDS INTERVAL DESCRIPTION COMMAND...: run COMMAND until it
# succeeds or SECONDS pass; on timeout fail naming DESCRIPTION.
pp_wait_until() {
  local limit="$1" interval="$2" description="$3"
  shift 3
  local deadline=$((SECONDS + limit))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      pp_fail "timed out after ${limit}s waiting for $description"
    fi
    sleep "$interval"
  done
}

# pp_kubeconfig CLUSTER: write a kubeconfig for the EKS cluster into the
# work folder and point KUBECONFIG at it, leaving ~/.kube/config alone.
pp_kubeconfig() {
  local cluster="$1" file
  file="$(pp_work_dir)/kubeconfig-$cluster"
  if ! pp_aws eks update-kubeconfig --name "$cluster" --kubeconfig "$file" --alias "$cluster" >/dev/null; then
    pp_fail "cannot reach EKS cluster $cluster in $(pp_env .aws.region): deploy 02-infrastructure, or check that this role has an access entry on the cluster"
  fi
  export KUBECONFIG="$file"
}

# pp_cluster_exists CLUSTER: whether the EKS cluster exists (any status).
pp_cluster_exists() {
  pp_aws eks describe-cluster --name "$1" >/dev/null 2>&1
}

# pp_helm_recover RELEASE NAMESPACE: a build killed during install or upgrade
# leaves the release pending-install or pending-upgrade, and every later
# helm upgrade fails with "another operation is in progress". Roll back to
# the last deployed revision, or uninstall a release that never deployed.
pp_helm_recover() {
  local release="$1" namespace="$2" status
  status="$(helm status "$release" -n "$namespace" -o json 2>/dev/null | jq -r '.info.status // empty')" || true
  case "$status" in
    pending-install)
      pp_log "release $namespace/$release is stuck in pending-install; uninstalling it before a fresh install"
      helm uninstall "$release" -n "$namespace" --wait --timeout 5m
      ;;
    pending-upgrade | pending-rollback)
      local revision
      revision="$(helm history "$release" -n "$namespace" -o json |
        jq -r '[.[] | select(.status == "deployed" or .status == "superseded")] | last | .revision // empty')"
      if [[ -n "$revision" ]]; then
        pp_log "release $namespace/$release is stuck in $status; rolling back to revision $revision"
        helm rollback "$release" "$revision" -n "$namespace" --wait --timeout 10m
      else
        pp_log "release $namespace/$release is stuck in $status with no deployed revision; uninstalling it"
        helm uninstall "$release" -n "$namespace" --wait --timeout 5m
      fi
      ;;
    failed)
      pp_log "release $namespace/$release failed last time; the next upgrade replaces it"
      ;;
  esac
}

# pp_helm_upgrade RELEASE CHART VERSION NAMESPACE ARGS...: recover a stuck
# release, then install or upgrade it atomically. The timeout defaults to
# 15 minutes, below every phase's build timeout, so Helm gives up and rolls
# back before CodeBuild kills the build mid-operation.
pp_helm_upgrade() {
  local release="$1" chart="$2" version="$3" namespace="$4"
  shift 4
  pp_helm_recover "$release" "$namespace"
  if ! helm upgrade --install "$release" "$chart" --version "$version" \
    --namespace "$namespace" --create-namespace \
    --atomic --wait --timeout "${PP_HELM_TIMEOUT:-15m}" "$@"; then
    pp_fail "helm release $namespace/$release ($chart $version) failed; run ./troubleshoot.sh --env $PERFPLANE_ENV to see its pods and events"
  fi
}

# pp_require_aws_credentials: fail before any network call when no usable
# credentials are configured, naming what is missing.
pp_require_aws_credentials() {
  if ! pp_has_local_credentials; then
    pp_fail "no usable AWS credentials: ${PP_CREDENTIALS_HINT:-none found}. Set AWS_PROFILE or keys, or run on CodeBuild; 01-prerequisites lists what is missing"
  fi
}

# Every AWS phase needs credentials, so sourcing this file checks them.
# 01-prerequisites is the exception: it reports them as an unmet requirement.
if [[ "${PP_PHASE:-}" != 01-prerequisites ]]; then
  pp_require_aws_credentials
fi
