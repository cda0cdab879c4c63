#!/usr/bin/env bash
# Rehearsal prerequisites: the tools the local rehearsal needs on this machine.
# Usage: rehearsal.sh deploy|validate|rollback|troubleshoot
# Exit 3 with one ##perfplane[unmet] line per missing tool.
set -euo pipefail
source "$(dirname "$0")/../../lib/perfplane.sh"
source "$(dirname "$0")/../../lib/rehearsal.sh"

check_tools() {
  local unmet=0 major k6 want found
  pp_progress 10 "Checking node, npm and bash"
  if ! command -v node >/dev/null 2>&1; then
    pp_unmet "node >= 20 not found on PATH"
    unmet=1
  else
    major="$(node -p 'process.versions.node.split(".")[0]')"
    if ((major < 20)); then
      pp_unmet "node >= 20 required, found $(node --version)"
      unmet=1
    fi
  fi
  if ! command -v npm >/dev/null 2>&1; then
    pp_unmet "npm not found on PATH"
    unmet=1
  fi
  if ((BASH_VERSINFO[0] < 4)); then
    pp_unmet "bash >= 4 required, found ${BASH_VERSION}"
    unmet=1
  fi
  for tool in curl setsid getconf awk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      pp_unmet "${tool} not found on PATH"
      unmet=1
    fi
  done
  if [[ ! -d "${PP_ROOT}/node_modules/tsx" ]]; then
    pp_unmet "npm packages not installed: run scripts/setup.sh"
    return 1
  fi

  pp_progress 50 "Checking k6"
  pp_env_load
  want="$(pp_env_get k6.version)"
  if k6="$(pp_k6_path)"; then
    found="$("$k6" version 2>/dev/null | head -n 1)"
    if [[ "$found" != "k6 ${want} "* ]]; then
      pp_unmet "k6 ${want} required, ${k6} reports '${found}': run scripts/install-k6.sh"
      unmet=1
    fi
  else
    pp_unmet "k6 ${want} not found (PERFPLANE_K6, PATH, \$(go env GOPATH)/bin): run scripts/install-k6.sh"
    unmet=1
  fi

  pp_progress 80 "Checking optional tools"
  if ! command -v jq >/dev/null 2>&1; then
    echo "jq not found: optional, only for reading results by hand"
  fi
  if ! command -v go >/dev/null 2>&1 && ! pp_k6_path >/dev/null; then
    echo "go not found: scripts/install-k6.sh cannot build k6 without it"
  fi
  return "$unmet"
}

action="${1:-${PERFPLANE_ACTION:-validate}}"
case "$action" in
  deploy | validate)
    if ! check_tools; then
      echo "requirements not met; see the unmet lines above"
      exit "$PP_REQUIREMENTS_NOT_MET"
    fi
    pp_output k6_path "$(pp_k6_path)"
    pp_output node_version "$(node --version)"
    pp_progress 100 "All rehearsal prerequisites present"
    ;;
  rollback)
    pp_progress 100 "Nothing to roll back: the prerequisites phase changes nothing"
    ;;
  troubleshoot)
    echo "node: $(command -v node || echo missing) $(node --version 2>/dev/null || true)"
    echo "npm: $(command -v npm || echo missing) $(npm --version 2>/dev/null || true)"
    echo "k6: $(pp_k6_path 2>/dev/null || echo missing)"
    if k6="$(pp_k6_path 2>/dev/null)"; then "$k6" version || true; fi
    echo "go: $(command -v go || echo missing)"
    echo "cores: $(nproc), PERFPLANE_HOME=${PERFPLANE_HOME}"
    ;;
  *)
    echo "unknown action '${action}': use deploy, validate, rollback or troubleshoot" >&2
    exit 2
    ;;
esac
