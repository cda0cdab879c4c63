#!/usr/bin/env bash
# Diagnoses phase 06-first-test: the last smoke TestRun, its runner logs,
# and whether the k6 cluster reaches the switch's ingress through the
# peering. Reads only.
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
echo "== smoke TestRuns"
kubectl get testruns -n k6 -o custom-columns=NAME:.metadata.name,STAGE:.status.stage 2>&1 | grep -E 'NAME|smoke-' || true
echo "== last runner log lines"
kubectl logs -n k6 -l runner=true --tail=20 --prefix 2>&1 | tail -n 40 || true
echo "== reaching the ingress from the k6 cluster"
ingress="$(pp_input 04-mojaloop ingress_hostname)"
kubectl run -n k6 perfplane-curl --rm -i --restart=Never --image=public.ecr.aws/docker/library/busybox:1.37 \
  --timeout=60s -- wget -q -T 10 -O /dev/null -S "http://$ingress/" 2>&1 | tail -n 5 ||
  echo "the ingress $ingress is not reachable from the k6 cluster: check the peering routes and the node security group (02-infrastructure validate.sh)"
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
