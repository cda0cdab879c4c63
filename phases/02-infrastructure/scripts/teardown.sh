#!/usr/bin/env bash
# Rollback steps of 02-infrastructure that surround `terraform destroy`.
# Load balancers and their network interfaces created by Kubernetes are not
# in the Terraform state. They keep subnets and VPCs from being deleted, so
# they go first, and leftovers are swept by tag afterwards.

# vpc_id_of CLUSTER_SECTION: the VPC id Terraform created for a cluster,
# found by its Name tag, or nothing.
vpc_id_of() {
  local name
  name="$(pp_env ".aws.$1.name")-vpc"
  pp_aws ec2 describe-vpcs --filters "Name=tag:Name,Values=$name" \
    "Name=tag:perfplane:environment,Values=$PERFPLANE_ENV" --query 'Vpcs[0].VpcId' --output text 2>/dev/null |
    grep -v '^None$' || true
}

# delete_kubernetes_load_balancers CLUSTER: delete every Service of type
# LoadBalancer and every Ingress, so the controllers delete the AWS load
# balancers they made.
delete_kubernetes_load_balancers() {
  local cluster="$1"
  if ! pp_cluster_exists "$cluster"; then
    pp_log "cluster $cluster does not exist; no Kubernetes load balancers to delete"
    return 0
  fi
  pp_kubeconfig "$cluster"
  local services
  services="$(kubectl get services -A -o json |
    jq -r '.items[] | select(.spec.type == "LoadBalancer") | "\(.metadata.namespace)/\(.metadata.name)"')"
  local entry
  for entry in $services; do
    pp_log "deleting LoadBalancer service $entry in $cluster"
    kubectl delete service -n "${entry%%/*}" "${entry#*/}" --wait=false
  done
  if kubectl api-resources --api-group=networking.k8s.io -o name 2>/dev/null | grep -q '^ingresses'; then
    kubectl delete ingress -A --all --wait=false
  fi
}

# load_balancers_gone VPC_ID: succeed when no load balancer (ALB, NLB or
# classic) and no ELB network interface remains in the VPC.
load_balancers_gone() {
  local vpc="$1" v2 classic enis
  v2="$(pp_aws elbv2 describe-load-balancers --query "length(LoadBalancers[?VpcId=='$vpc'])")"
  classic="$(pp_aws elb describe-load-balancers --query "length(LoadBalancerDescriptions[?VPCId=='$vpc'])")"
  enis="$(pp_aws ec2 describe-network-interfaces --filters "Name=vpc-id,Values=$vpc" \
    "Name=description,Values=ELB *" --query 'length(NetworkInterfaces)')"
  pp_log "VPC $vpc: $v2 load balancers, $classic classic, $enis ELB interfaces left"
  [[ "$v2" == 0 && "$classic" == 0 && "$enis" == 0 ]]
}

wait_for_load_balancers() {
  local vpc="$1"
  [[ -n "$vpc" ]] || return 0
  pp_wait_until 900 20 "load balancers in $vpc to be deleted by the Kubernetes controllers (delete them in the EC2 console if the controller is gone)" \
    load_balancers_gone "$vpc"
}

rds_identifier() {
  printf '%s-mysql\n' "$(pp_env .aws.mojaloopCluster.name)"
}

rds_status() {
  pp_aws rds describe-db-instances --db-instance-identifier "$(rds_identifier)" \
    --query 'DBInstances[0].DBInstanceStatus' --output text 2>/dev/null || echo missing
}

rds_is_available() {
  [[ "$(rds_status)" == available ]]
}

# start_rds_if_stopped: a stopped instance can be neither modified nor
# deleted, so start it and wait (cost-saving mode leaves it stopped).
start_rds_if_stopped() {
  local status
  status="$(rds_status)"
  case "$status" in
    stopped)
      pp_log "RDS $(rds_identifier) is stopped; starting it so it can be deleted"
      pp_aws rds start-db-instance --db-instance-identifier "$(rds_identifier)" >/dev/null
      pp_wait_until 1800 30 "RDS $(rds_identifier) to start" rds_is_available
      ;;
    stopping | starting)
      pp_wait_until 1800 30 "RDS $(rds_identifier) to settle from $status" rds_is_available
      ;;
  esac
}

# sweep_leftovers: list what still carries this environment's tag, and
# delete the kinds Kubernetes leaves behind: load balancers and unattached
# EBS volumes of the two clusters. Everything else is reported only.
sweep_leftovers() {
  local cluster volume arn
  for cluster in "$(pp_env .aws.mojaloopCluster.name)" "$(pp_env .aws.k6Cluster.name)"; do
    for volume in $(pp_aws ec2 describe-volumes --filters Name=status,Values=available \
      "Name=tag:kubernetes.io/cluster/$cluster,Values=owned" --query 'Volumes[].VolumeId' --output text); do
      pp_log "deleting unattached volume $volume of $cluster"
      pp_aws ec2 delete-volume --volume-id "$volume" || pp_log "could not delete $volume; delete it by hand"
    done
    for arn in $(pp_aws resourcegroupstaggingapi get-resources --resource-type-filters elasticloadbalancing:loadbalancer \
      --tag-filters "Key=elbv2.k8s.aws/cluster,Values=$cluster" --query 'ResourceTagMappingList[].ResourceARN' --output text); do
      pp_log "deleting leftover load balancer $arn of $cluster"
      pp_aws elbv2 delete-load-balancer --load-balancer-arn "$arn" || pp_log "could not delete $arn; delete it by hand"
    done
  done
  local leftovers count
  leftovers="$(pp_aws resourcegroupstaggingapi get-resources \
    --tag-filters "Key=perfplane:environment,Values=$PERFPLANE_ENV" \
    --query 'ResourceTagMappingList[].ResourceARN')"
  # RDS snapshots are kept on purpose; they are the data of the run.
  leftovers="$(jq '[.[] | select(test(":snapshot:") | not)]' <<<"$leftovers")"
  count="$(jq length <<<"$leftovers")"
  pp_record leftover_resources "$count"
  if ((count > 0)); then
    echo "resources still tagged perfplane:environment=$PERFPLANE_ENV (the tagging index can lag a few minutes):"
    jq -r '.[] | "  " + .' <<<"$leftovers"
  else
    echo "no resources tagged perfplane:environment=$PERFPLANE_ENV remain"
  fi
}
