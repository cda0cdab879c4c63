#!/usr/bin/env bash
# AWS, Kubernetes and Helm helpers shared by the AWS paths of the phase
# scripts. Source after entry.sh.

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
