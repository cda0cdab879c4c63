#!/usr/bin/env bash
# Diagnoses phase 07-performance-tests: running ladder TestRuns, runner CPU
# and memory, k6 warnings about dropped iterations, and the health of the
# stages already uploaded. Reads only.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/testrun.sh
source "$PHASE_DIR/../lib/testrun.sh"

pp_k6_connect
echo "== ladder TestRuns"
kubectl get testruns -n k6 -o custom-columns=NAME:.metadata.name,STAGE:.status.stage,PARALLELISM:.spec.parallelism 2>&1 || true
echo "== runner usage"
kubectl top pods -n k6 -l runner=true 2>&1 || true
echo "== runner warnings (insufficient VUs, dropped iterations)"
kubectl logs -n k6 -l runner=true --tail=500 --prefix 2>/dev/null | grep -iE 'insufficient|dropped|error' | tail -n 20 || true
echo "== uploaded stage health"
results="$(pp_outputs_dir)/07-performance-tests.json"
if [[ -f "$results" ]]; then
  url="$(jq -r '.results_url // empty' "$results")"
  if [[ -n "$url" ]]; then
    pp_aws s3 ls --recursive "$url/" 2>&1 | grep health.json || echo "  no stage health uploaded yet"
  fi
fi
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
