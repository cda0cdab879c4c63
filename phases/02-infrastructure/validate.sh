#!/usr/bin/env bash
# Validates phase 02-infrastructure: both EKS clusters ACTIVE with every node
# Ready, the RDS instance available, and the peering active with routes in
# both directions. --detailed prints each check.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin validate "$@"
# shellcheck source=../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"

FAILED=0
PASSED=0

check() {
  local description="$1" outcome="$2"
  if [[ "$outcome" == ok ]]; then
    PASSED=$((PASSED + 1))
    pp_detail "  ok    $description"
  else
    FAILED=$((FAILED + 1))
    printf '  FAIL  %s: %s\n' "$description" "$outcome"
  fi
  return 0
}

check_cluster() {
  local cluster="$1" status
  status="$(pp_aws eks describe-cluster --name "$cluster" --query cluster.status --output text 2>/dev/null || echo MISSING)"
  check "EKS cluster $cluster is ACTIVE" "$([[ "$status" == ACTIVE ]] && echo ok || echo "status $status")"
  [[ "$status" == ACTIVE ]] || return 0
  local group group_status
  for group in $(pp_aws eks list-nodegroups --cluster-name "$cluster" --query 'nodegroups[]' --output text); do
    group_status="$(pp_aws eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$group" \
      --query nodegroup.status --output text)"
    check "node group $cluster/$group is ACTIVE" "$([[ "$group_status" == ACTIVE ]] && echo ok || echo "status $group_status")"
  done
  pp_kubeconfig "$cluster"
  local nodes ready total
  nodes="$(kubectl get nodes -o json 2>/dev/null || echo '{"items":[]}')"
  total="$(jq '.items | length' <<<"$nodes")"
  ready="$(jq '[.items[] | select(any(.status.conditions[]; .type == "Ready" and .status == "True"))] | length' <<<"$nodes")"
  check "nodes of $cluster Ready ($ready/$total)" "$([[ "$total" -gt 0 && "$ready" == "$total" ]] && echo ok || echo "$ready of $total Ready")"
}

check_rds() {
  local identifier status
  identifier="$(pp_env .aws.mojaloopCluster.name)-mysql"
  status="$(pp_aws rds describe-db-instances --db-instance-identifier "$identifier" \
    --query 'DBInstances[0].DBInstanceStatus' --output text 2>/dev/null || echo missing)"
  check "RDS $identifier is available" "$([[ "$status" == available ]] && echo ok || echo "status $status")"
}

check_peering() {
  local mojaloop_cidr k6_cidr peering status
  mojaloop_cidr="$(pp_env .aws.mojaloopCluster.vpcCidr)"
  k6_cidr="$(pp_env .aws.k6Cluster.vpcCidr)"
  peering="$(pp_aws ec2 describe-vpc-peering-connections \
    --filters "Name=tag:perfplane:environment,Values=$PERFPLANE_ENV" Name=status-code,Values=active,pending-acceptance,provisioning \
    --query 'VpcPeeringConnections[0]' 2>/dev/null || echo null)"
  status="$(jq -r '.Status.Code // "missing"' <<<"$peering")"
  check "VPC peering is active" "$([[ "$status" == active ]] && echo ok || echo "status $status")"
  [[ "$status" == active ]] || return 0
  local id routes
  id="$(jq -r .VpcPeeringConnectionId <<<"$peering")"
  for direction in "$(jq -r .AccepterVpcInfo.VpcId <<<"$peering") $k6_cidr" "$(jq -r .RequesterVpcInfo.VpcId <<<"$peering") $mojaloop_cidr"; do
    read -r vpc cidr <<<"$direction"
    routes="$(pp_aws ec2 describe-route-tables --filters "Name=vpc-id,Values=$vpc" \
      --query "RouteTables[].Routes[?VpcPeeringConnectionId=='$id' && DestinationCidrBlock=='$cidr'][] | length(@)")"
    check "routes in $vpc to $cidr through $id" "$([[ "$routes" -gt 0 ]] && echo ok || echo "no route")"
  done
}

pp_progress 10 "Checking the Mojaloop cluster"
check_cluster "$(pp_env .aws.mojaloopCluster.name)"
pp_progress 40 "Checking the k6 cluster"
check_cluster "$(pp_env .aws.k6Cluster.name)"
pp_progress 70 "Checking RDS"
check_rds
pp_progress 85 "Checking the VPC peering"
check_peering
echo "$PASSED/$((PASSED + FAILED)) infrastructure checks passed"
if ((FAILED > 0)); then
  pp_fail "$FAILED infrastructure check(s) failed; run ./troubleshoot.sh --env $PERFPLANE_ENV"
fi
pp_progress 100 "Infrastructure valid"
