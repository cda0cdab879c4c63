#!/usr/bin/env bash
# Deploys phase 03-kubernetes: the platform services on the Mojaloop cluster.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"

pp_fail "the AWS deploy of 03-kubernetes is not implemented yet"
