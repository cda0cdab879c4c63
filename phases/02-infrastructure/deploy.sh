#!/usr/bin/env bash
# Deploys phase 02-infrastructure: the Mojaloop and k6 VPCs with peering,
# an EKS cluster in each and the RDS MySQL instance, with Terraform.
# --interactive prompts before each step and shows the plan before applying.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin deploy "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/terraform.sh
source "$PHASE_DIR/scripts/terraform.sh"

PLAN_FILE="$(pp_work_dir)/infrastructure.tfplan"

step_init() {
  tf_init
}

step_plan() {
  local tfvars
  tfvars="$(tf_write_tfvars keep)"
  tf_locked plan -out="$PLAN_FILE" -var-file="$tfvars" -detailed-exitcode || {
    local status=$?
    # -detailed-exitcode: 2 means changes are pending, which is expected.
    ((status == 2)) || pp_fail "terraform plan failed; read the error above (it names the resource)"
  }
}

step_apply() {
  # Applying a saved plan never prompts; the interactive confirmation is
  # the step question itself.
  tf_locked apply "$PLAN_FILE" ||
    pp_fail "terraform apply failed; fix the resource named above and re-run deploy (applied resources are kept)"
}

step_record_outputs() {
  local outputs key
  outputs="$(tf output -json)"
  for key in region mojaloop_cluster_name mojaloop_cluster_endpoint k6_cluster_name k6_cluster_endpoint \
    mojaloop_vpc_id mojaloop_vpc_cidr k6_vpc_id k6_vpc_cidr peering_connection_id \
    rds_identifier rds_address rds_port rds_master_secret_arn; do
    pp_record "$key" "$(jq -r --arg k "$key" '.[$k].value // empty' <<<"$outputs")"
  done
  pp_record state_bucket "$(tf_state_bucket)"
}

pp_step 5 "Initialising Terraform state in S3" step_init
pp_step 15 "Planning VPCs, peering, EKS and RDS" step_plan
pp_step 25 "Applying the plan (EKS and RDS take 20-40 minutes)" step_apply
pp_step 90 "Recording outputs" step_record_outputs
pp_progress 95 "Validating"
"$PHASE_DIR/validate.sh" --env "$PERFPLANE_ENV"
pp_progress 100 "Infrastructure ready"
