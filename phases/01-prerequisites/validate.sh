#!/usr/bin/env bash
# Validates phase 01-prerequisites: tools, AWS access and service quotas.
# --detailed also lists the tools that passed.
# Exits 3 with one ##perfplane[unmet] line per gap when anything is missing.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/check.sh
source "$PHASE_DIR/scripts/check.sh"

run_checks
report_unmet
pp_progress 100 "Prerequisites met"
echo "prerequisites: all tools, AWS access and quotas are in place"
