#!/usr/bin/env bash
# Deploys phase 02-infrastructure: the VPCs, EKS clusters and RDS instance.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"

pp_fail "the AWS deploy of 02-infrastructure is not implemented yet"
