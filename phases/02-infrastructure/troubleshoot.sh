#!/usr/bin/env bash
# Diagnoses phase 02-infrastructure: Terraform state and lock, cluster and
# node group health with recent failures, RDS events and the peering. Reads
# only; prints no secret.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin troubleshoot "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=scripts/terraform.sh
source "$PHASE_DIR/scripts/terraform.sh"

echo "== Terraform state s3://$(tf_state_bucket)/$(tf_state_key)"
if pp_aws s3 cp "s3://$(tf_state_bucket)/$(tf_state_key).tflock" - 2>/dev/null; then
  echo "state is LOCKED; owner marker:"
  pp_aws s3 cp "s3://$(tf_state_bucket)/$(tf_state_key).owner" - 2>/dev/null || echo "  (no owner marker)"
else
  echo "state is not locked"
fi

for cluster in "$(pp_env .aws.mojaloopCluster.name)" "$(pp_env .aws.k6Cluster.name)"; do
  echo "== EKS cluster $cluster"
  pp_aws eks describe-cluster --name "$cluster" --query 'cluster.{status:status,version:version,endpoint:endpoint}' 2>&1 || continue
  for group in $(pp_aws eks list-nodegroups --cluster-name "$cluster" --query 'nodegroups[]' --output text); do
    pp_aws eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$group" \
      --query 'nodegroup.{group:nodegroupName,status:status,scaling:scalingConfig,issues:health.issues}'
  done
  pp_kubeconfig "$cluster"
  kubectl get nodes -o wide 2>&1 || true
  kubectl get pods -A --field-selector=status.phase!=Running,status.phase!=Succeeded 2>&1 | head -n 30 || true
done

echo "== RDS $(pp_env .aws.mojaloopCluster.name)-mysql"
pp_aws rds describe-db-instances --db-instance-identifier "$(pp_env .aws.mojaloopCluster.name)-mysql" \
  --query 'DBInstances[0].{status:DBInstanceStatus,class:DBInstanceClass,protection:DeletionProtection}' 2>&1 || true
pp_aws rds describe-events --source-type db-instance --duration 1440 \
  --source-identifier "$(pp_env .aws.mojaloopCluster.name)-mysql" --query 'Events[-10:].[Date,Message]' --output text 2>&1 || true

echo "== VPC peering"
pp_aws ec2 describe-vpc-peering-connections --filters "Name=tag:perfplane:environment,Values=$PERFPLANE_ENV" \
  --query 'VpcPeeringConnections[].{id:VpcPeeringConnectionId,status:Status.Code}' 2>&1 || true
echo "See $PHASE_DIR/TROUBLESHOOTING.md for the usual causes and fixes."
