#!/usr/bin/env bash
# Rolls back phase 01-prerequisites. The phase only reads, so the rollback
# only deletes the recorded account and region.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"

rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "Nothing to roll back; prerequisites only read the account"
