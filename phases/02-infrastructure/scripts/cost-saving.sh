#!/usr/bin/env bash
# Cost-saving mode: `cost-saving.sh on|off --env NAME`. Hands over to the
# platform's implementation: cost-saving-rehearsal.sh for the local
# rehearsal, cost-saving-aws.sh for AWS.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"

mode="${1:-}"
if [[ "$mode" != on && "$mode" != off ]]; then
  pp_fail "usage: scripts/cost-saving.sh on|off --env NAME (on stops compute, off brings it back)"
fi
shift
pp_parse_args "$@"
platform="$(pp_platform)"
export PERFPLANE_PLATFORM="$platform"
target="$PHASE_DIR/scripts/cost-saving-$platform.sh"
if [[ ! -f "$target" ]]; then
  pp_fail "no cost-saving implementation for platform \"$platform\": $target is missing"
fi
exec bash "$target" "$mode" "$@"
