#!/usr/bin/env bash
# Rolls back phase 02-infrastructure: the VPCs, EKS clusters and RDS instance.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"

pp_fail "the AWS rollback of 02-infrastructure is not implemented yet"
