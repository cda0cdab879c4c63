#!/usr/bin/env bash
# Installs the pinned k6 release when the k6 found on this machine reports a
# different version (or none). Builds it with Go into $(go env GOPATH)/bin.
# Usage: scripts/install-k6.sh [--check]
#   --check  only report whether the pinned version is present (exit 0 or 1)
# Environment: PERFPLANE_K6_VERSION overrides the pinned version (v1.4.2).
set -euo pipefail

version="${PERFPLANE_K6_VERSION:-v1.4.2}"
check_only=false
if [[ "${1:-}" == "--check" ]]; then
  check_only=true
fi

# shellcheck source=../phases/lib/k6.sh
source "$(dirname "$0")/../phases/lib/k6.sh"

if k6_bin="$(pp_k6_path 2>/dev/null)"; then
  found="$("$k6_bin" version 2>/dev/null | head -n 1 || true)"
  if [[ "$found" == *"k6 ${version} "* || "$found" == *"k6 ${version}" ]]; then
    echo "k6 ${version} already installed: ${k6_bin}"
    exit 0
  fi
  echo "found ${k6_bin} reporting '${found}', want ${version}"
fi

if [[ "$check_only" == true ]]; then
  echo "k6 ${version} is not installed; run scripts/install-k6.sh" >&2
  exit 1
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
k6 ${version} is needed and Go is not installed, so it cannot be built here.
Install k6 ${version} one of these ways, then re-run this script:
  - Debian/Ubuntu: add the Grafana k6 apt repository (dl.k6.io/deb) and
    'apt-get install k6=${version#v}'
  - Fedora/RHEL: add the Grafana k6 rpm repository (dl.k6.io/rpm) and
    'dnf install k6-${version#v}'
  - macOS: 'brew install k6'
  - any Linux/macOS/Windows: the release archive for ${version} from
    https://github.com/grafana/k6/releases/tag/${version}, with the k6 binary
    placed on PATH or named in PERFPLANE_K6
  - with Go >= 1.23 installed: 'go install go.k6.io/k6@${version}'
MSG
  exit 1
fi

gobin="$(go env GOPATH)/bin"
echo "building k6 ${version} with $(go version) into ${gobin} (takes several minutes)"
GOFLAGS=-mod=mod go install "go.k6.io/k6@${version}"
"${gobin}/k6" version
