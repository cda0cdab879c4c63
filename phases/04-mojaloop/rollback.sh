#!/usr/bin/env bash
# Rolls back phase 04-mojaloop: Mojaloop, the 8 DFSP simulators and their onboarding.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"

pp_fail "the AWS rollback of 04-mojaloop is not implemented yet"
