#!/usr/bin/env bash
# Deploys phase 03-kubernetes: the platform services on the Mojaloop
# cluster (EBS CSI with a gp3 default storage class, metrics-server,
# cert-manager, ingress-nginx behind an internal NLB, kube-prometheus-stack,
# and the Kafka, MySQL, MongoDB and Redis backends), with pinned Helm charts.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=../lib/releases.sh
source "$PHASE_DIR/../lib/releases.sh"

step_connect() {
  pp_kubeconfig "$(pp_input 02-infrastructure mojaloop_cluster_name)"
}

step_storage_class() {
  kubectl apply -f "$PHASE_DIR/config/storageclass-gp3.yaml"
  # EKS ships gp2 as the default class; only one may be the default.
  if kubectl get storageclass gp2 >/dev/null 2>&1; then
    kubectl annotate storageclass gp2 storageclass.kubernetes.io/is-default-class=false --overwrite
  fi
}

step_releases() {
  # Each release waits at most 15 minutes, well inside the build timeout.
  PP_HELM_TIMEOUT=15m pp_install_releases "$PHASE_DIR/config/charts.tsv" 20 90
}

ingress_hostname() {
  kubectl get service -n ingress-nginx ingress-nginx-controller \
    -o jsonpath='{.status.loadBalancer.ingress[0].hostname}' 2>/dev/null
}

ingress_has_hostname() {
  [[ -n "$(ingress_hostname)" ]]
}

step_record() {
  # AWS assigns the NLB's DNS name a minute or two after the Service exists.
  pp_wait_until 600 15 "the internal load balancer of ingress-nginx/ingress-nginx-controller (check the subnets' internal-elb tag)" \
    ingress_has_hostname
  pp_record ingress_hostname "$(ingress_hostname)"
  pp_record kafka_bootstrap "backend-kafka.mojaloop.svc.cluster.local:9092"
}

pp_step 5 "Connecting to the Mojaloop cluster" step_connect
pp_step 10 "Creating the gp3 storage class" step_storage_class
pp_step 20 "Installing platform releases" step_releases
pp_step 92 "Recording the ingress address" step_record
"$PHASE_DIR/validate.sh" --env "$PERFPLANE_ENV"
pp_progress 100 "Platform services ready"
