#!/usr/bin/env bash
# Locates the k6 binary. Sourced by phase scripts and scripts/install-k6.sh.
# Order: $PERFPLANE_K6, k6 on PATH, $(go env GOPATH)/bin/k6, ~/go/bin/k6.

# pp_k6_path: prints the path of the k6 binary, or returns 1 when none exists.
pp_k6_path() {
  if [[ -n "${PERFPLANE_K6:-}" ]]; then
    if [[ -x "$PERFPLANE_K6" ]]; then
      printf '%s\n' "$PERFPLANE_K6"
      return 0
    fi
    echo "PERFPLANE_K6=${PERFPLANE_K6} is not an executable file" >&2
    return 1
  fi
  local found
  if found="$(command -v k6 2>/dev/null)"; then
    printf '%s\n' "$found"
    return 0
  fi
  if command -v go >/dev/null 2>&1; then
    found="$(go env GOPATH 2>/dev/null)/bin/k6"
    if [[ -x "$found" ]]; then
      printf '%s\n' "$found"
      return 0
    fi
  fi
  if [[ -x "${HOME}/go/bin/k6" ]]; then
    printf '%s\n' "${HOME}/go/bin/k6"
    return 0
  fi
  return 1
}
