#!/usr/bin/env bash
# Validates phase 06-first-test: the k6 smoke test through the transfer flow.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"

pp_fail "the AWS validate of 06-first-test is not implemented yet"
