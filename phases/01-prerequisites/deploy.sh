#!/usr/bin/env bash
# Deploys phase 01-prerequisites: tools, AWS access and service quotas.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"

pp_fail "the AWS deploy of 01-prerequisites is not implemented yet"
