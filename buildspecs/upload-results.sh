#!/usr/bin/env bash
# Uploads this build's phase outputs and log to the artifacts bucket. Runs in
# post_build, also after a failed build, so the log of a failure is kept.
# Only on CodeBuild: the local build runner records both itself.
set -euo pipefail

if [[ -z "${CODEBUILD_BUILD_ID:-}" || "${PERFPLANE_PLATFORM:-}" == rehearsal ]]; then
  exit 0
fi
bucket="${PERFPLANE_ARTIFACTS_BUCKET:?PERFPLANE_ARTIFACTS_BUCKET is not set on the CodeBuild project}"
env="${PERFPLANE_ENV:?PERFPLANE_ENV is not set}"
phase="${PERFPLANE_PHASE:?PERFPLANE_PHASE is not set}"
action="${PERFPLANE_ACTION:?PERFPLANE_ACTION is not set}"
run="${PERFPLANE_RUN_ID:-no-run}"
root="$(cd "$(dirname "$0")/.." && pwd)"

outputs="$root/.perfplane/outputs/$env/$phase.json"
if [[ -f "$outputs" ]]; then
  aws s3 cp --only-show-errors "$outputs" "s3://$bucket/environments/$env/outputs/$phase.json"
  aws s3 cp --only-show-errors "$outputs" "s3://$bucket/runs/$run/$phase/$action/outputs.json"
fi
log="$root/.perfplane/logs/$phase.$action.log"
if [[ -f "$log" ]]; then
  aws s3 cp --only-show-errors "$log" "s3://$bucket/runs/$run/$phase/$action/build.log"
fi
