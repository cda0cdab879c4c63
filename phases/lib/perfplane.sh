#!/usr/bin/env bash
# Helpers phase scripts source to report to the perfplane build runner.
# The line format is defined in packages/core/src/progress-protocol.ts.

# pp_progress PERCENT MESSAGE: report how far the current action is.
pp_progress() {
  printf '##perfplane[progress] %d %s\n' "$1" "$2"
}

# pp_output KEY VALUE: record an output that later phases read.
pp_output() {
  printf '##perfplane[output] %s=%s\n' "$1" "$2"
}

# pp_unmet REQUIREMENT: report one requirement the prerequisites found missing.
pp_unmet() {
  printf '##perfplane[unmet] %s\n' "$1"
}

# shellcheck disable=SC2034 # read by the scripts that source this file
# Exit status that reports unmet requirements to the runner, distinct from a failure.
readonly PP_REQUIREMENTS_NOT_MET=3
