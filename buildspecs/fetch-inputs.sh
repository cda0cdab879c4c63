#!/usr/bin/env bash
# Downloads the outputs earlier phases recorded for this environment, so the
# phase scripts find them under .perfplane/outputs/<env>/. Only on CodeBuild:
# the local build runner passes PERFPLANE_INPUTS_FILE instead.
set -euo pipefail

if [[ -z "${CODEBUILD_BUILD_ID:-}" || "${PERFPLANE_PLATFORM:-}" == rehearsal ]]; then
  exit 0
fi
bucket="${PERFPLANE_ARTIFACTS_BUCKET:?PERFPLANE_ARTIFACTS_BUCKET is not set on the CodeBuild project}"
env="${PERFPLANE_ENV:?PERFPLANE_ENV is not set; the state machine passes it}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/.perfplane/outputs/$env"
aws s3 cp --recursive --only-show-errors \
  "s3://$bucket/environments/$env/outputs/" "$root/.perfplane/outputs/$env/"
