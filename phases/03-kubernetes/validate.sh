#!/usr/bin/env bash
# Validates phase 03-kubernetes: the platform services on the Mojaloop cluster.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"

pp_fail "the AWS validate of 03-kubernetes is not implemented yet"
