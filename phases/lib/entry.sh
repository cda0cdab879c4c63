#!/usr/bin/env bash
# shellcheck disable=SC2034 # the PP_ variables set here are read by the callers
# Entry helpers every phases/<phaseId>/<action>.sh sources: argument parsing,
# environment and platform resolution, and the hand-off to the rehearsal
# profile. Callers set PHASE_DIR before sourcing.

# shellcheck source=perfplane.sh
source "$(dirname "${BASH_SOURCE[0]}")/perfplane.sh"

PP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PP_PHASE="$(basename "$PHASE_DIR")"
PP_DETAILED=false
PP_INTERACTIVE=false
PP_ASSUME_YES=false
PP_EXTRA_ARGS=()

# pp_fail MESSAGE: print an error naming the resource and the fix, then exit 1.
pp_fail() {
  printf 'error: %s: %s\n' "$PP_PHASE" "$1" >&2
  exit 1
}

# pp_detail MESSAGE: print MESSAGE only with --detailed. Always succeeds.
pp_detail() {
  if [[ "$PP_DETAILED" == true ]]; then
    printf '%s\n' "$*"
  fi
}

pp_log() {
  printf '[%s] %s\n' "$PP_PHASE" "$*"
}

pp_usage() {
  cat <<USAGE
usage: $(basename "$0") [--env NAME] [--detailed] [--interactive] [--yes]

  --env NAME     environment file environments/NAME.yaml (default: \$PERFPLANE_ENV)
  --detailed     print every check, not only the summary (validate)
  --interactive  ask before each step (deploy, rollback)
  --yes          answer yes to confirmations (rollback)
USAGE
}

# pp_parse_args ARGS...: read the flags shared by every phase action. Flags a
# phase defines itself are left in PP_EXTRA_ARGS.
pp_parse_args() {
  while (($# > 0)); do
    case "$1" in
      --env)
        [[ $# -ge 2 ]] || pp_fail "option --env needs a value: pass --env NAME"
        PERFPLANE_ENV="$2"
        shift 2
        ;;
      --env=*)
        PERFPLANE_ENV="${1#--env=}"
        shift
        ;;
      --detailed) PP_DETAILED=true; shift ;;
      --interactive) PP_INTERACTIVE=true; shift ;;
      --yes | -y) PP_ASSUME_YES=true; shift ;;
      -h | --help) pp_usage; exit 0 ;;
      *) PP_EXTRA_ARGS+=("$1"); shift ;;
    esac
  done
  if [[ -z "${PERFPLANE_ENV:-}" ]]; then
    pp_fail "missing environment: pass --env NAME or set PERFPLANE_ENV (files are in environments/)"
  fi
  if [[ ! "$PERFPLANE_ENV" =~ ^[a-z][a-z0-9-]{0,30}$ ]]; then
    pp_fail "invalid environment name \"$PERFPLANE_ENV\": use lower-case letters, digits and dashes"
  fi
  PP_ENV_FILE="$PP_ROOT/environments/$PERFPLANE_ENV.yaml"
  if [[ ! -f "$PP_ENV_FILE" ]]; then
    pp_fail "environment file $PP_ENV_FILE not found: create it or pass another --env"
  fi
  export PERFPLANE_ENV PP_ENV_FILE
}

# pp_platform: print the platform, from PERFPLANE_PLATFORM or the
# environment file's top-level "platform:" key.
pp_platform() {
  if [[ -n "${PERFPLANE_PLATFORM:-}" ]]; then
    printf '%s\n' "$PERFPLANE_PLATFORM"
    return
  fi
  sed -n 's/^platform:[[:space:]]*["'"'"']\{0,1\}\([a-z]*\).*/\1/p' "$PP_ENV_FILE" | head -n 1
}

# pp_begin ACTION ARGS...: parse the arguments and, on the rehearsal
# platform, replace this process with the phase's rehearsal script.
pp_begin() {
  local action="$1"
  shift
  pp_parse_args "$@"
  PP_PLATFORM="$(pp_platform)"
  # Exported so the rehearsal scripts and child processes see the same platform.
  export PERFPLANE_PLATFORM="$PP_PLATFORM"
  case "$PP_PLATFORM" in
    rehearsal)
      local rehearsal="$PHASE_DIR/scripts/rehearsal.sh"
      if [[ -x "$rehearsal" ]]; then
        exec "$rehearsal" "$action" "$@"
      fi
      if [[ -f "$rehearsal" ]]; then
        exec bash "$rehearsal" "$action" "$@"
      fi
      echo "no rehearsal work for $PP_PHASE; provided by the rehearsal profile"
      pp_progress 100 "Provided by the rehearsal profile"
      exit 0
      ;;
    aws)
      pp_tee_codebuild_log "$action"
      pp_load_env
      ;;
    "") pp_fail "no platform: set PERFPLANE_PLATFORM or add 'platform: aws' to $PP_ENV_FILE" ;;
    *) pp_fail "unknown platform \"$PP_PLATFORM\" in $PP_ENV_FILE: expected rehearsal or aws" ;;
  esac
  export PP_PLATFORM
}

# On CodeBuild, copy this action's output to a log file that the buildspec's
# post_build uploads next to the phase outputs.
pp_tee_codebuild_log() {
  if [[ -z "${CODEBUILD_BUILD_ID:-}" ]]; then
    return 0
  fi
  local dir="$PP_ROOT/.perfplane/logs"
  mkdir -p "$dir"
  exec > >(tee -a "$dir/$PP_PHASE.$1.log") 2>&1
}

# pp_confirm QUESTION: in --interactive mode ask before a step; returns 1
# when the answer is no. Outside interactive mode it always returns 0.
pp_confirm() {
  if [[ "$PP_INTERACTIVE" != true || "$PP_ASSUME_YES" == true ]]; then
    return 0
  fi
  local answer=""
  read -r -p "$1 [y/N] " answer || true
  [[ "$answer" =~ ^[Yy] ]]
}

# pp_step PERCENT TITLE FUNCTION: report progress and run one deploy step,
# asking first in --interactive mode. A declined step is skipped.
pp_step() {
  local percent="$1" title="$2" fn="$3"
  pp_progress "$percent" "$title"
  if ! pp_confirm "Run step: $title?"; then
    pp_log "skipped by the operator: $title"
    return 0
  fi
  "$fn"
}

# Folder of this environment's recorded phase outputs, one JSON file a phase.
pp_outputs_dir() {
  printf '%s/outputs/%s\n' "${PERFPLANE_HOME:-$PP_ROOT/.perfplane}" "$PERFPLANE_ENV"
}

# pp_record KEY VALUE: report an output to the runner and keep it in the
# phase's outputs file, so later phases find it when run on their own.
pp_record() {
  local key="$1" value="$2" dir file tmp
  pp_output "$key" "$value"
  dir="$(pp_outputs_dir)"
  file="$dir/$PP_PHASE.json"
  mkdir -p "$dir"
  [[ -s "$file" ]] || echo '{}' >"$file"
  tmp="$(mktemp "$dir/.tmp.XXXXXX")"
  jq --arg k "$key" --arg v "$value" '.[$k] = $v' "$file" >"$tmp"
  mv "$tmp" "$file"
}

# pp_input PHASE KEY: print an output an earlier phase recorded, from
# PERFPLANE_INPUTS_FILE or else the local outputs file. Fails naming the
# phase to deploy first when the value is missing.
pp_input() {
  local phase="$1" key="$2" value=""
  if [[ -n "${PERFPLANE_INPUTS_FILE:-}" && -f "$PERFPLANE_INPUTS_FILE" ]]; then
    value="$(jq -r --arg p "$phase" --arg k "$key" '.[$p][$k] // empty' "$PERFPLANE_INPUTS_FILE")"
  fi
  local file
  file="$(pp_outputs_dir)/$phase.json"
  if [[ -z "$value" && -f "$file" ]]; then
    value="$(jq -r --arg k "$key" '.[$k] // empty' "$file")"
  fi
  if [[ -z "$value" ]]; then
    pp_fail "missing input $key from $phase: deploy $phase first, or write it to $file"
  fi
  printf '%s\n' "$value"
}

# pp_load_env: validate the environment once and keep it as JSON, defaults
# filled in, for pp_env. pp_begin calls it on the aws platform; it must not
# run in a $(...) subshell, or the cached file name is lost.
pp_load_env() {
  if [[ -n "${PP_ENV_JSON_FILE:-}" && -s "$PP_ENV_JSON_FILE" ]]; then
    return 0
  fi
  local dir="${PERFPLANE_HOME:-$PP_ROOT/.perfplane}/work/$PERFPLANE_ENV"
  mkdir -p "$dir"
  PP_ENV_JSON_FILE="$dir/environment.json"
  # Written next to the target and renamed, so a concurrent reader never sees half a file.
  if ! (cd "$PP_ROOT" && npx --no-install tsx phases/lib/environment-json.ts "$PERFPLANE_ENV") >"$PP_ENV_JSON_FILE.$$"; then
    rm -f "$PP_ENV_JSON_FILE.$$"
    pp_fail "environment $PERFPLANE_ENV is invalid; fix $PP_ENV_FILE (the message above names the field)"
  fi
  mv "$PP_ENV_JSON_FILE.$$" "$PP_ENV_JSON_FILE"
  export PP_ENV_JSON_FILE
}

# pp_env JQ_FILTER: print one value of the environment, for example
# `pp_env .aws.region`. Strings print raw, objects as JSON, null as nothing.
pp_env() {
  [[ -s "${PP_ENV_JSON_FILE:-}" ]] || pp_fail "pp_env called before pp_load_env"
  jq -r "$1 // empty" "$PP_ENV_JSON_FILE"
}

# Working folder for generated files (tfvars, rendered manifests), kept out of git.
pp_work_dir() {
  local dir="${PERFPLANE_HOME:-$PP_ROOT/.perfplane}/work/$PERFPLANE_ENV/$PP_PHASE"
  mkdir -p "$dir"
  printf '%s\n' "$dir"
}
