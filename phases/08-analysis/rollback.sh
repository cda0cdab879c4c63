#!/usr/bin/env bash
# Rolls back phase 08-analysis: deletes the recorded report location and
# removes the local copies. Reports in S3 are kept, because they are the
# record of the run; delete them with aws s3 rm if needed.
set -euo pipefail
PHASE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/entry.sh
source "$PHASE_DIR/../lib/entry.sh"
pp_begin rollback "$@"

rm -rf "$(pp_work_dir)/analysis"
rm -f "$(pp_outputs_dir)/$PP_PHASE.json"
pp_progress 100 "Local analysis files removed; S3 reports kept"
