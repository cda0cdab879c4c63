#!/usr/bin/env bash
# Validates phase 05-k6-infrastructure: the k6-operator on the isolated k6 cluster.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"

pp_fail "the AWS validate of 05-k6-infrastructure is not implemented yet"
