#!/usr/bin/env bash
# Rolls back phase 02-infrastructure: deletes Kubernetes-made load
# balancers, turns RDS deletion protection off (the final snapshot is named
# with this run's id), destroys everything with Terraform and sweeps what is
# left by tag. Asks for confirmation unless --yes or a pipeline run.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/terraform.sh
source "$PHASE_DIR/scripts/terraform.sh"
# shellcheck source=scripts/teardown.sh
source "$PHASE_DIR/scripts/teardown.sh"

if [[ -z "${PERFPLANE_RUN_ID:-}" && "$PP_ASSUME_YES" != true ]]; then
  read -r -p "Destroy the VPCs, EKS clusters and RDS of $PERFPLANE_ENV? Type the environment name: " answer || true
  [[ "${answer:-}" == "$PERFPLANE_ENV" ]] || pp_fail "rollback cancelled; nothing was changed"
fi

MOJALOOP_VPC=""
K6_VPC=""

step_load_balancers() {
  MOJALOOP_VPC="$(vpc_id_of mojaloopCluster)"
  K6_VPC="$(vpc_id_of k6Cluster)"
  delete_kubernetes_load_balancers "$(pp_env .aws.mojaloopCluster.name)"
  delete_kubernetes_load_balancers "$(pp_env .aws.k6Cluster.name)"
  wait_for_load_balancers "$MOJALOOP_VPC"
  wait_for_load_balancers "$K6_VPC"
}

step_rds_protection() {
  [[ "$(rds_status)" == missing ]] && return 0
  start_rds_if_stopped
  local tfvars
  tfvars="$(tf_write_tfvars unprotect)"
  # A targeted apply changes only the database: deletion protection off
  # and a final snapshot name carrying this run's id.
  tf_locked apply -auto-approve -target=module.rds -var-file="$tfvars" ||
    pp_fail "could not turn off deletion protection on RDS $(rds_identifier); do it in the RDS console and re-run"
}

step_destroy() {
  local tfvars
  tfvars="$(tf_write_tfvars unprotect)"
  tf_locked destroy -auto-approve -var-file="$tfvars" ||
    pp_fail "terraform destroy failed; the resource named above is still there. Re-run rollback after fixing it"
}

pp_step 5 "Initialising Terraform state" tf_init
pp_step 10 "Deleting Kubernetes load balancers and waiting for them to go" step_load_balancers
pp_step 30 "Turning off RDS deletion protection" step_rds_protection
pp_step 40 "Destroying VPCs, EKS and RDS (20-40 minutes)" step_destroy
pp_step 90 "Sweeping leftovers by tag" sweep_leftovers
rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "Infrastructure removed"
