#!/usr/bin/env bash
# Rehearsal k6 infrastructure: the pinned k6 binary on this machine replaces
# the isolated k6 cluster. deploy builds it when missing (several minutes
# with Go), validate checks the version, rollback keeps the binary.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"
pp_env_load

version="$(pp_env_get k6.version)"
export PERFPLANE_K6_VERSION="$version"

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy)
    pp_progress 10 "Installing k6 ${version} when missing"
    "${PP_ROOT}/scripts/install-k6.sh"
    pp_output k6_path "$(pp_k6_path)"
    pp_output k6_version "$version"
    pp_progress 100 "k6 ${version} ready"
    ;;
  validate)
    pp_progress 30 "Checking k6 ${version}"
    "${PP_ROOT}/scripts/install-k6.sh" --check
    "$(pp_k6_path)" version
    pp_output k6_path "$(pp_k6_path)"
    pp_output k6_version "$version"
    pp_progress 100 "k6 ${version} present"
    ;;
  rollback)
    pp_progress 100 "k6 binary kept at $(pp_k6_path 2>/dev/null || echo '(none)'); nothing to roll back"
    ;;
  troubleshoot)
    echo "k6: $(pp_k6_path 2>/dev/null || echo missing); want ${version}"
    if k6="$(pp_k6_path 2>/dev/null)"; then "$k6" version || true; fi
    ls -l "${PP_K6_PID_DIR}" 2>/dev/null || echo "no k6 runs recorded"
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
