#!/usr/bin/env bash
# Deploys phase 01-prerequisites: checks tools, AWS access and service
# quotas, and records the account and region for later phases.
# Exits 3 with one ##perfplane[unmet] line per gap when anything is missing.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/check.sh
source "$PHASE_DIR/scripts/check.sh"

run_checks
report_unmet
pp_record aws_account_id "$PP_ACCOUNT"
pp_record aws_region "$PP_REGION"
pp_progress 100 "Prerequisites met"
