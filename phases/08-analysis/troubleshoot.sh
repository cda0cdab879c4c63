#!/usr/bin/env bash
# Diagnoses phase 08-analysis: which stage folders and runner files exist in
# S3, and the last lines of each stage's analysis log. Reads only.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"

results="$(pp_input 07-performance-tests results_url)"
echo "== runner files under $results"
pp_aws s3 ls --recursive "$results/" 2>&1 | awk '{print "  " $4 " (" $3 " bytes)"}' | head -n 60 || true
echo "== analysis logs"
for log in "$(pp_work_dir)"/analysis/*/reports/*/analysis.log; do
  [[ -f "$log" ]] || continue
  echo "-- $log"
  tail -n 10 "$log"
done
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
