#!/usr/bin/env bash
# shellcheck disable=SC2034 # PP_RELEASE_PROBLEM is read by the callers
# Reads a phase's config/charts.tsv (release, namespace, repository url,
# chart, version, values file) and installs, checks or removes the releases.
# Source after aws.sh.

# pp_releases FILE: print the table's rows without comments.
pp_releases() {
  grep -vE '^\s*(#|$)' "$1"
}

# pp_install_releases FILE FIRST_PERCENT LAST_PERCENT: install each release
# in order, reporting progress spread over the given range.
pp_install_releases() {
  local file="$1" first="$2" last="$3" count index=0
  count="$(pp_releases "$file" | wc -l)"
  local release namespace repository chart version values
  while IFS=$'\t' read -r release namespace repository chart version values; do
    pp_progress $((first + (last - first) * index / count)) "Installing $release $version"
    index=$((index + 1))
    if ! pp_confirm "Install or upgrade $namespace/$release ($chart $version)?"; then
      continue
    fi
    pp_helm_upgrade "$release" "$chart" "$version" "$namespace" \
      --repo "$repository" --values "$(dirname "$file")/values/$values"
  done < <(pp_releases "$file")
}

# pp_release_healthy RELEASE NAMESPACE: the release is deployed and all its
# deployments and stateful sets have every replica ready.
pp_release_healthy() {
  local release="$1" namespace="$2" status unready
  status="$(helm status "$release" -n "$namespace" -o json 2>/dev/null | jq -r '.info.status // "missing"')"
  if [[ "$status" != deployed ]]; then
    PP_RELEASE_PROBLEM="release status $status"
    return 1
  fi
  unready="$(kubectl get deployments,statefulsets -n "$namespace" -l "app.kubernetes.io/instance=$release" -o json |
    jq -r '[.items[] | select((.status.readyReplicas // 0) < (.spec.replicas // 1)) | .metadata.name] | join(", ")')"
  if [[ -n "$unready" ]]; then
    PP_RELEASE_PROBLEM="not ready: $unready"
    return 1
  fi
}

# pp_uninstall_releases FILE: remove the releases in reverse order. Missing
# releases are skipped, so a partial rollback can be re-run.
pp_uninstall_releases() {
  local release namespace rest
  while IFS=$'\t' read -r release namespace rest; do
    : "$rest"
    if helm status "$release" -n "$namespace" >/dev/null 2>&1; then
      pp_log "uninstalling $namespace/$release"
      helm uninstall "$release" -n "$namespace" --wait --timeout 10m ||
        pp_fail "helm uninstall of $namespace/$release failed; see ./troubleshoot.sh"
    fi
  done < <(pp_releases "$1" | tac)
}
