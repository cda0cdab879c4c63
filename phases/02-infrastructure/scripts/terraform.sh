#!/usr/bin/env bash
# Terraform helpers for 02-infrastructure: remote state in S3 with S3-native
# locking, the tfvars generated from the environment, and recovery from a
# lock left behind by a killed build. Sourced after entry.sh and aws.sh.

TF_DIR="$PHASE_DIR/terraform"

tf_run_id() {
  printf '%s\n' "${PERFPLANE_RUN_ID:-manual-$(date -u +%Y%m%d%H%M%S)}"
}

tf_account_id() {
  if [[ -z "${TF_ACCOUNT_ID:-}" ]]; then
    TF_ACCOUNT_ID="$(pp_aws sts get-caller-identity --query Account --output text)" ||
      pp_fail "AWS credentials are missing or expired; run 01-prerequisites to see what is missing"
  fi
  printf '%s\n' "$TF_ACCOUNT_ID"
}

tf_state_bucket() {
  local bucket
  bucket="$(pp_env .aws.stateBucket)"
  printf '%s\n' "${bucket:-perfplane-tfstate-$(tf_account_id)-$(pp_env .aws.region)}"
}

tf_state_key() {
  printf 'perfplane/%s/02-infrastructure.tfstate\n' "$PERFPLANE_ENV"
}

# tf_ensure_state_bucket: create the state bucket on first use, versioned,
# encrypted and closed to the public. Safe to re-run.
tf_ensure_state_bucket() {
  local bucket region
  bucket="$(tf_state_bucket)"
  region="$(pp_env .aws.region)"
  if pp_aws s3api head-bucket --bucket "$bucket" >/dev/null 2>&1; then
    return 0
  fi
  pp_log "creating Terraform state bucket $bucket"
  if [[ "$region" == us-east-1 ]]; then
    pp_aws s3api create-bucket --bucket "$bucket" >/dev/null
  else
    pp_aws s3api create-bucket --bucket "$bucket" \
      --create-bucket-configuration "LocationConstraint=$region" >/dev/null
  fi
  pp_aws s3api put-bucket-versioning --bucket "$bucket" --versioning-configuration Status=Enabled
  pp_aws s3api put-public-access-block --bucket "$bucket" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  pp_aws s3api put-bucket-encryption --bucket "$bucket" --server-side-encryption-configuration \
    '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'
}

# tf_admin_arns: IAM principals that get cluster-admin access entries: the
# CodeBuild service role (PERFPLANE_CODEBUILD_ROLE_ARN, set on the project)
# and the role or user running this script.
tf_admin_arns() {
  local caller
  caller="$(pp_aws sts get-caller-identity --query Arn --output text)"
  # An assumed-role session ARN names the role; access entries need the role ARN.
  if [[ "$caller" =~ ^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/ ]]; then
    caller="arn:${BASH_REMATCH[1]}:iam::${BASH_REMATCH[2]}:role/${BASH_REMATCH[3]}"
  fi
  printf '%s\n' "$caller"
  if [[ -n "${PERFPLANE_CODEBUILD_ROLE_ARN:-}" ]]; then
    printf '%s\n' "$PERFPLANE_CODEBUILD_ROLE_ARN"
  fi
}

# tf_write_tfvars MODE: generate the variables file from the environment and
# print its path. MODE "keep" keeps the environment's RDS deletion
# protection; "unprotect" turns it off for the rollback.
tf_write_tfvars() {
  local file admins=() flags=()
  [[ "$1" == unprotect ]] && flags=(--no-deletion-protection)
  file="$(pp_work_dir)/terraform.tfvars.json"
  mapfile -t admins < <(tf_admin_arns)
  (cd "$PP_ROOT" && npx --no-install tsx "$PHASE_DIR/scripts/tfvars.ts" \
    "$PERFPLANE_ENV" "$(tf_run_id)" "${admins[@]}" "${flags[@]}") >"$file.tmp" ||
    pp_fail "could not generate Terraform variables from $PP_ENV_FILE"
  mv "$file.tmp" "$file"
  printf '%s\n' "$file"
}

tf() {
  terraform -chdir="$TF_DIR" "$@"
}

# tf_init: initialise the S3 backend with S3-native locking. The data folder
# lives in the work folder so environments do not share provider state.
tf_init() {
  export TF_DATA_DIR
  TF_DATA_DIR="$(pp_work_dir)/.terraform"
  export TF_IN_AUTOMATION=1
  tf_ensure_state_bucket
  tf init -input=false -reconfigure \
    -backend-config="bucket=$(tf_state_bucket)" \
    -backend-config="key=$(tf_state_key)" \
    -backend-config="region=$(pp_env .aws.region)" \
    -backend-config="encrypt=true" \
    -backend-config="use_lockfile=true" >/dev/null ||
    pp_fail "terraform init failed for state s3://$(tf_state_bucket)/$(tf_state_key); check bucket access"
}

# tf_mark_owner: store who is about to take the state lock, so a later run
# can tell whether a leftover lock belongs to a build that has ended.
# NOTE: the marker is written just before Terraform takes the lock, so two
# builds starting together could overwrite each other's marker. The
# control plane's one-writer-per-environment lock prevents that.
tf_mark_owner() {
  jq -n --arg build "${CODEBUILD_BUILD_ID:-}" --arg run "$(tf_run_id)" \
    --arg host "$(hostname)" --arg at "$(date -u +%FT%TZ)" \
    '{buildId: $build, runId: $run, host: $host, startedAt: $at}' |
    pp_aws s3 cp - "s3://$(tf_state_bucket)/$(tf_state_key).owner" --only-show-errors
}

# tf_clear_stale_lock: remove the state lock only when the build that took
# it has ended. A lock from a running build, or from an owner that cannot be
# identified, is left alone with a message saying what to do.
tf_clear_stale_lock() {
  local lock_file owner build status lock_id
  lock_file="$(mktemp)"
  if ! pp_aws s3 cp "s3://$(tf_state_bucket)/$(tf_state_key).tflock" "$lock_file" --only-show-errors 2>/dev/null; then
    rm -f "$lock_file"
    return 0
  fi
  lock_id="$(jq -r '.ID // empty' "$lock_file")"
  rm -f "$lock_file"
  owner="$(pp_aws s3 cp "s3://$(tf_state_bucket)/$(tf_state_key).owner" - 2>/dev/null || echo '{}')"
  build="$(jq -r '.buildId // empty' <<<"$owner")"
  if [[ -z "$build" ]]; then
    pp_fail "Terraform state $(tf_state_key) is locked (lock $lock_id) by a run outside CodeBuild ($(jq -r '.host // "unknown host"' <<<"$owner")). Make sure it has ended, then run: terraform -chdir=$TF_DIR force-unlock $lock_id"
  fi
  status="$(pp_aws codebuild batch-get-builds --ids "$build" --query 'builds[0].buildStatus' --output text 2>/dev/null || true)"
  if [[ "$status" == IN_PROGRESS ]]; then
    pp_fail "Terraform state $(tf_state_key) is locked by running build $build; wait for it or stop it, then re-run"
  fi
  if [[ -z "$status" || "$status" == None ]]; then
    pp_fail "Terraform state $(tf_state_key) is locked by build $build, whose status cannot be read; check it in the CodeBuild console, then run: terraform -chdir=$TF_DIR force-unlock $lock_id"
  fi
  pp_log "state lock $lock_id belongs to build $build, which ended with $status; releasing it"
  tf force-unlock -force "$lock_id" >/dev/null
}

# tf_locked COMMAND ARGS...: run a Terraform command that takes the state
# lock, after clearing a lock left by an ended build.
tf_locked() {
  local command="$1"
  shift
  tf_clear_stale_lock
  tf_mark_owner
  # Flags go before the plan file: Terraform stops reading flags at the
  # first positional argument.
  tf "$command" -input=false -lock-timeout=2m "$@"
}
