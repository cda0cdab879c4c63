#!/usr/bin/env bash
# Cost-saving mode on AWS. `on` scales stateful sets down in reverse start
# order, records every node group's sizes and the zones of the retained
# volumes, scales the node groups to zero and stops RDS; volumes, snapshots
# and state stay. `off` restores node groups (making sure each retained
# volume's zone has a Ready node), starts RDS and waits for it, then brings
# stateful sets back in order: ZooKeeper, Kafka, then the applications.
# The record is kept in the work folder and in the Terraform state bucket,
# so `off` works from another machine or build.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
# shellcheck source=../../lib/aws.sh
source "$PHASE_DIR/../lib/aws.sh"
# shellcheck source=terraform.sh
source "$PHASE_DIR/scripts/terraform.sh"
# shellcheck source=teardown.sh
source "$PHASE_DIR/scripts/teardown.sh"

# statefulset_rank NAME: start order; lower starts first and stops last.
statefulset_rank() {
  case "$1" in
    *zookeeper* | *zk*) echo 0 ;;
    *kafka*) echo 1 ;;
    *) echo 2 ;;
  esac
}

record_state() {
  local clusters=() cluster group record='{"nodeGroups":[],"statefulSets":[],"volumeZones":[]}'
  clusters=("$(pp_env .aws.mojaloopCluster.name)" "$(pp_env .aws.k6Cluster.name)")
  for cluster in "${clusters[@]}"; do
    pp_cluster_exists "$cluster" || continue
    for group in $(pp_aws eks list-nodegroups --cluster-name "$cluster" --query 'nodegroups[]' --output text); do
      record="$(jq --argjson g "$(pp_aws eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$group" \
        --query 'nodegroup.{cluster:clusterName,name:nodegroupName,scaling:scalingConfig,subnets:subnets}')" \
        '.nodeGroups += [$g]' <<<"$record")"
    done
    pp_kubeconfig "$cluster"
    record="$(jq --arg c "$cluster" --argjson s "$(kubectl get statefulsets -A -o json |
      jq '[.items[] | {namespace: .metadata.namespace, name: .metadata.name, replicas: .spec.replicas}]')" \
      '.statefulSets += [$s[] | . + {cluster: $c}]' <<<"$record")"
    record="$(jq --arg c "$cluster" --argjson z "$(kubectl get pv -o json |
      jq '[.items[] | .spec.nodeAffinity.required.nodeSelectorTerms[]?.matchExpressions[]?
        | select(.key | test("zone")) | .values[]] | unique')" \
      '.volumeZones += [$z[] | {cluster: $c, zone: .}]' <<<"$record")"
  done
  jq --arg at "$(date -u +%FT%TZ)" '. + {recordedAt: $at}' <<<"$record" >"$RECORD"
  pp_aws s3 cp "$RECORD" "s3://$(tf_state_bucket)/$RECORD_KEY" --only-show-errors
}

load_record() {
  if [[ ! -s "$RECORD" ]]; then
    pp_aws s3 cp "s3://$(tf_state_bucket)/$RECORD_KEY" "$RECORD" --only-show-errors ||
      pp_fail "no cost-saving record for $PERFPLANE_ENV in s3://$(tf_state_bucket)/$RECORD_KEY; was cost-saving turned on?"
  fi
}

scale_statefulsets_down() {
  local cluster entry
  for cluster in $(jq -r '[.statefulSets[].cluster] | unique | .[]' "$RECORD"); do
    pp_kubeconfig "$cluster"
    # Applications first, Kafka next, ZooKeeper last: the reverse of start order.
    while read -r entry; do
      pp_log "scaling statefulset $entry in $cluster to 0"
      kubectl scale statefulset -n "${entry%%/*}" "${entry#*/}" --replicas=0
    done < <(jq -r --arg c "$cluster" '.statefulSets[] | select(.cluster == $c) | "\(.namespace)/\(.name)"' "$RECORD" |
      while read -r name; do echo "$(statefulset_rank "${name#*/}") $name"; done | sort -rn | cut -d' ' -f2)
  done
}

scale_node_groups() {
  local target="$1" group cluster name min max desired
  while read -r group; do
    cluster="$(jq -r .cluster <<<"$group")"
    name="$(jq -r .name <<<"$group")"
    max="$(jq -r .scaling.maxSize <<<"$group")"
    if [[ "$target" == zero ]]; then
      min=0
      desired=0
    else
      min="$(jq -r .scaling.minSize <<<"$group")"
      desired="$(jq -r .scaling.desiredSize <<<"$group")"
    fi
    pp_log "node group $cluster/$name: min $min, desired $desired, max $max"
    pp_aws eks update-nodegroup-config --cluster-name "$cluster" --nodegroup-name "$name" \
      --scaling-config "minSize=$min,maxSize=$max,desiredSize=$desired" >/dev/null ||
      pp_log "node group $cluster/$name was not changed (an update may be in progress); re-run cost-saving"
  done < <(jq -c '.nodeGroups[]' "$RECORD")
}

ready_zones() {
  kubectl get nodes -o json | jq -r '.items[]
    | select(any(.status.conditions[]; .type == "Ready" and .status == "True"))
    | .metadata.labels["topology.kubernetes.io/zone"]' | sort -u
}

nodes_ready_in_volume_zones() {
  local cluster="$1" zones zone
  pp_kubeconfig "$cluster"
  zones="$(ready_zones)"
  for zone in $(jq -r --arg c "$cluster" '.volumeZones[] | select(.cluster == $c) | .zone' "$RECORD"); do
    grep -qx "$zone" <<<"$zones" || return 1
  done
  [[ -n "$zones" ]]
}

# wait_for_volume_zones: a retained EBS volume can only attach in its own
# zone. When the autoscaler brings nodes back elsewhere, grow the largest
# node group by one (up to its max), and wait again. Bounded to 3 rounds.
wait_for_volume_zones() {
  local cluster round
  for cluster in $(jq -r '[.nodeGroups[].cluster] | unique | .[]' "$RECORD"); do
    for round in 1 2 3; do
      if pp_wait_until_quiet 900 "$cluster"; then
        break
      fi
      local group
      group="$(jq -c --arg c "$cluster" '[.nodeGroups[] | select(.cluster == $c)] | max_by(.scaling.maxSize)' "$RECORD")"
      local name desired max
      name="$(jq -r .name <<<"$group")"
      max="$(jq -r .scaling.maxSize <<<"$group")"
      desired="$(pp_aws eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$name" \
        --query nodegroup.scalingConfig.desiredSize --output text)"
      if ((desired >= max)); then
        pp_fail "no Ready node in the zone of a retained volume of $cluster and node group $name is at its max ($max); raise the max or move the volume"
      fi
      pp_log "round $round: adding a node to $cluster/$name to reach the volumes' zones"
      pp_aws eks update-nodegroup-config --cluster-name "$cluster" --nodegroup-name "$name" \
        --scaling-config "desiredSize=$((desired + 1))" >/dev/null
    done
  done
}

# pp_wait_until_quiet SECONDS CLUSTER: like pp_wait_until, but returns 1 on
# timeout instead of failing, so the caller can act.
pp_wait_until_quiet() {
  local deadline=$((SECONDS + $1))
  until nodes_ready_in_volume_zones "$2"; do
    ((SECONDS < deadline)) || return 1
    sleep 30
  done
}

stop_rds() {
  local status
  status="$(rds_status)"
  case "$status" in
    available)
      pp_aws rds stop-db-instance --db-instance-identifier "$(rds_identifier)" >/dev/null
      # NOTE: RDS starts a stopped instance again after 7 days; the
      # scheduled cost-saving run stops it again on its next firing.
      pp_log "RDS $(rds_identifier) stopping (RDS restarts it by itself after 7 days)"
      ;;
    missing) pp_log "no RDS instance to stop" ;;
    *) pp_log "RDS $(rds_identifier) is $status; left as it is" ;;
  esac
}

scale_statefulsets_up() {
  local cluster rank entry replicas
  for cluster in $(jq -r '[.statefulSets[].cluster] | unique | .[]' "$RECORD"); do
    pp_kubeconfig "$cluster"
    for rank in 0 1 2; do
      while IFS=' ' read -r entry replicas; do
        [[ -n "$entry" ]] || continue
        [[ "$(statefulset_rank "${entry#*/}")" == "$rank" ]] || continue
        pp_log "scaling statefulset $entry in $cluster to $replicas"
        kubectl scale statefulset -n "${entry%%/*}" "${entry#*/}" --replicas="$replicas"
        kubectl rollout status statefulset -n "${entry%%/*}" "${entry#*/}" --timeout=15m ||
          pp_fail "statefulset $entry did not become ready; run 03-kubernetes troubleshoot.sh"
      done < <(jq -r --arg c "$cluster" '.statefulSets[] | select(.cluster == $c) | "\(.namespace)/\(.name) \(.replicas)"' "$RECORD")
    done
  done
}

main() {
  local mode="${1:-}"
  if [[ "$mode" != on && "$mode" != off ]]; then
    pp_fail "usage: cost-saving-aws.sh on|off --env NAME"
  fi
  shift
  pp_parse_args "$@"
  pp_load_env
  RECORD="$(pp_work_dir)/cost-saving.json"
  RECORD_KEY="perfplane/$PERFPLANE_ENV/cost-saving.json"
  case "$mode" in
    on)
      pp_progress 10 "Recording node group sizes, stateful sets and volume zones"
      record_state
      pp_progress 30 "Scaling stateful sets down"
      scale_statefulsets_down
      pp_progress 50 "Scaling node groups to zero"
      scale_node_groups zero
      pp_progress 80 "Stopping RDS"
      stop_rds
      pp_progress 100 "Cost-saving on; volumes and data kept"
      ;;
    off)
      load_record
      pp_progress 10 "Starting RDS"
      start_rds_if_stopped
      pp_progress 30 "Restoring node groups"
      scale_node_groups restore
      pp_progress 50 "Waiting for nodes in the zones of the retained volumes"
      wait_for_volume_zones
      pp_progress 75 "Starting ZooKeeper, Kafka, then the applications"
      scale_statefulsets_up
      pp_progress 100 "Cost-saving off; environment restored"
      ;;
    *) pp_fail "unknown mode \"$mode\": expected on or off" ;;
  esac
}

# Sourcing the file (as the tests do) defines the functions without running.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
