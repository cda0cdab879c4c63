#!/usr/bin/env bash
# Rolls back phase 08-analysis: the analysis report over every runner's results.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"

pp_fail "the AWS rollback of 08-analysis is not implemented yet"
