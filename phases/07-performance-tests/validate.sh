#!/usr/bin/env bash
# Validates phase 07-performance-tests: the load ladder with parallel k6 runners.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"

pp_fail "the AWS validate of 07-performance-tests is not implemented yet"
