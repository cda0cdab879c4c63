#!/usr/bin/env bash
# Diagnoses phase 01-prerequisites: prints the AWS CLI configuration, the
# tool versions and every check in detail. Reads only.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/check.sh
source "$PHASE_DIR/scripts/check.sh"

echo "== AWS CLI configuration (no secrets: keys are masked by the CLI)"
aws configure list 2>&1 || echo "aws configure list failed"
echo "== checks"
PP_DETAILED=true
run_checks || true
echo "== summary: $PP_UNMET_COUNT unmet; see TROUBLESHOOTING.md in $PHASE_DIR"
