#!/usr/bin/env bash
# Diagnoses phase 03-kubernetes: the platform services on the Mojaloop cluster.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"

pp_fail "the AWS troubleshoot of 03-kubernetes is not implemented yet"
