#!/usr/bin/env bash
# Helpers for the rehearsal phase scripts: the switch simulator's lifecycle,
# environment values, and k6 runs recorded so an emergency stop can end them.
# Sourced after phases/lib/perfplane.sh.

PP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PERFPLANE_HOME="${PERFPLANE_HOME:-${PP_ROOT}/.perfplane}"
export PERFPLANE_ENV="${PERFPLANE_ENV:-rehearsal}"
PERFPLANE_RUN_ID="${PERFPLANE_RUN_ID:-local-$(date -u +%Y%m%dT%H%M%SZ)}"

PP_SIM_DIR="${PERFPLANE_HOME}/simulator"
PP_SIM_PID_FILE="${PP_SIM_DIR}/simulator.pid"
PP_SIM_LEDGER="${PP_SIM_DIR}/ledger.json"
PP_SIM_LOG="${PP_SIM_DIR}/simulator.log"
PP_K6_PID_DIR="${PERFPLANE_HOME}/k6"

# shellcheck source=k6.sh
source "${PP_ROOT}/phases/lib/k6.sh"

# pp_tsx FILE ARGS...: runs a TypeScript file with the repository's tsx.
pp_tsx() {
  (cd "$PP_ROOT" && node --import tsx "$@")
}

# pp_env_load: reads and validates the environment file into PP_ENV_JSON.
# Call it in the script itself: a call inside $(...) would keep the value
# only in that subshell.
pp_env_load() {
  if [[ -z "${PP_ENV_JSON:-}" ]]; then
    PP_ENV_JSON="$(pp_tsx scripts/env-get.ts "$PERFPLANE_ENV" .)" || return 1
  fi
}

# pp_env_get PATH...: prints values of the current environment file, one a
# line: strings and numbers as they are, objects and arrays as JSON.
pp_env_get() {
  pp_env_load || return 1
  node -e '
    const environment = JSON.parse(process.argv[1]);
    for (const dotted of process.argv.slice(2)) {
      let value = environment;
      for (const key of dotted.split(".")) value = value?.[key];
      if (value === undefined) {
        console.error(`environment has no value at "${dotted}"`);
        process.exit(2);
      }
      console.log(typeof value === "object" ? JSON.stringify(value) : String(value));
    }
  ' "$PP_ENV_JSON" "$@"
}

# pp_pid_alive PIDFILE NAME: true when PIDFILE names a live process whose
# command line contains NAME (guards against a recycled pid).
pp_pid_alive() {
  local pid
  [[ -f "$1" ]] || return 1
  pid="$(cat "$1" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/${pid}/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q -- "$2"
}

# pp_stop_pidfile PIDFILE NAME [GRACE_SECONDS]: sends SIGTERM to the recorded
# process, waits up to GRACE_SECONDS (default 15), then sends SIGKILL.
pp_stop_pidfile() {
  local file="$1" name="$2" grace="${3:-15}" pid waited=0
  if ! pp_pid_alive "$file" "$name"; then
    rm -f "$file"
    return 0
  fi
  pid="$(cat "$file")"
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((waited < grace * 5)); do
    sleep 0.2
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "process ${pid} (${name}) ignored SIGTERM for ${grace}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

pp_sim_port() {
  printf '%s\n' "${PERFPLANE_SIMULATOR_PORT:-$(pp_env_get simulator.port)}"
}

pp_sim_url() {
  printf 'http://127.0.0.1:%s\n' "$(pp_sim_port)"
}

pp_sim_running() {
  pp_pid_alive "$PP_SIM_PID_FILE" "packages/simulator/src/main.ts"
}

# pp_sim_healthy URL: true when GET URL/health returns 200.
pp_sim_healthy() {
  curl -fsS --max-time 2 "$1/health" >/dev/null 2>&1
}

# pp_sim_start: starts the simulator detached, loading the kept ledger, and
# waits up to 30 s for /health. Does nothing when it already runs.
pp_sim_start() {
  local url port latency error_rate settings
  if pp_sim_running; then
    echo "simulator already running (pid $(cat "$PP_SIM_PID_FILE"))"
    return 0
  fi
  mapfile -t settings < <(pp_env_get simulator.port simulator.latencyMs simulator.errorRate)
  port="${PERFPLANE_SIMULATOR_PORT:-${settings[0]}}"
  latency="${settings[1]}"
  error_rate="${settings[2]}"

  url="http://127.0.0.1:${port}"
  if pp_sim_healthy "$url"; then
    echo "port ${port} already responds to /health but no simulator pid is recorded in ${PP_SIM_PID_FILE}; stop that process or set PERFPLANE_SIMULATOR_PORT" >&2
    return 1
  fi

  mkdir -p "$PP_SIM_DIR"
  # The redirections cover the whole subshell, so no process keeps the
  # caller's stdout open after this function returns.
  (
    cd "$PP_ROOT" || exit 1
    exec setsid nohup node --import tsx packages/simulator/src/main.ts \
      --port "$port" --state "$PP_SIM_LEDGER" --latency-ms "$latency" \
      --error-rate "$error_rate" --pid-file "$PP_SIM_PID_FILE"
  ) >>"$PP_SIM_LOG" 2>&1 </dev/null &

  for _ in $(seq 1 150); do
    if pp_sim_healthy "$url" && [[ -f "$PP_SIM_PID_FILE" ]]; then
      echo "simulator listening on ${url} (pid $(cat "$PP_SIM_PID_FILE"), ledger ${PP_SIM_LEDGER})"
      return 0
    fi
    sleep 0.2
  done
  echo "simulator did not respond on ${url}/health within 30 s; last log lines:" >&2
  tail -n 20 "$PP_SIM_LOG" >&2 || true
  return 1
}

# pp_sim_stop: stops the simulator; it writes its ledger before it exits.
pp_sim_stop() {
  pp_stop_pidfile "$PP_SIM_PID_FILE" "packages/simulator/src/main.ts" 20
}

# pp_k6_run NAME OUTDIR SCRIPT [K6 ARGS...]: runs k6 with JSON output and a
# summary export under OUTDIR, records its pid under $PERFPLANE_HOME/k6 for
# emergency stop, samples its CPU from /proc every 2 s, and writes
# OUTDIR/generator-health.json. Returns k6's exit status (99: threshold crossed).
pp_k6_run() {
  local name="$1" outdir="$2" script="$3"
  shift 3
  local k6 pid_file status ticks_per_second cores
  k6="$(pp_k6_path)" || {
    echo "k6 not found; run scripts/install-k6.sh" >&2
    return 1
  }

  mkdir -p "$outdir" "$PP_K6_PID_DIR"
  pid_file="${PP_K6_PID_DIR}/${name}.pid"
  ticks_per_second="$(getconf CLK_TCK)"
  cores="$(nproc)"

  (cd "$PP_ROOT" && exec "$k6" run --quiet --no-color \
    --out "json=${outdir}/runner-1.json.gz" \
    --summary-export "${outdir}/summary.json" \
    "$@" "$script") >"${outdir}/k6.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$pid_file"

  local start_ticks last_ticks now_ticks start_time last_time now_time peak=0 window
  start_ticks="$(pp_proc_ticks "$pid")"
  start_time="$(date +%s.%N)"
  last_ticks="$start_ticks"
  last_time="$start_time"
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    now_ticks="$(pp_proc_ticks "$pid")"
    [[ -n "$now_ticks" ]] || break
    now_time="$(date +%s.%N)"
    window="$(awk -v t="$((now_ticks - last_ticks))" -v hz="$ticks_per_second" -v s="$(awk -v a="$now_time" -v b="$last_time" 'BEGIN{print a-b}')" 'BEGIN{printf "%.1f", 100*t/hz/s}')"
    peak="$(awk -v a="$peak" -v b="$window" 'BEGIN{print (b>a)?b:a}')"
    last_ticks="$now_ticks"
    last_time="$now_time"
  done

  status=0
  wait "$pid" || status=$?
  rm -f "$pid_file"

  local total
  total="$(awk -v t="$((last_ticks - start_ticks))" -v hz="$ticks_per_second" -v s="$(awk -v a="$last_time" -v b="$start_time" 'BEGIN{print a-b}')" 'BEGIN{ if (s>0) printf "%.1f", 100*t/hz/s; else print 0 }')"
  pp_generator_health "$outdir" "$total" "$peak" "$cores" "$status"
  return "$status"
}

# pp_proc_ticks PID: user+system CPU ticks of PID and its waited-for children.
pp_proc_ticks() {
  [[ -r "/proc/$1/stat" ]] || return 0
  # Fields after the command name: utime is 14, stime 15, cutime 16, cstime 17.
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13 + $14 + $15}'
}

# pp_generator_health OUTDIR AVG_CPU PEAK_CPU CORES K6_STATUS: writes
# generator-health.json. A run is invalid when k6 dropped iterations or its
# CPU averaged over 80% of the machine's cores: then it measured k6, not the switch.
pp_generator_health() {
  # The single-quoted text is JavaScript for node, not shell.
  # shellcheck disable=SC2016
  node -e '
    const fs = require("node:fs");
    const [outdir, avg, peak, cores, status] = process.argv.slice(1);
    let dropped = 0;
    let iterations = 0;
    try {
      const summary = JSON.parse(fs.readFileSync(`${outdir}/summary.json`, "utf8"));
      dropped = summary.metrics?.dropped_iterations?.count ?? 0;
      iterations = summary.metrics?.iterations?.count ?? 0;
    } catch {}
    const cpuLimit = 80 * Number(cores);
    const reasons = [];
    // The same tolerance as the analysis: a dropped share over 0.1% of all
    // scheduled iterations means k6, not the switch, set the pace.
    const scheduled = iterations + dropped;
    if (dropped > 0.001 * scheduled) {
      reasons.push(`k6 dropped ${dropped} of ${scheduled} iterations (over 0.1%)`);
    }
    if (Number(avg) > cpuLimit) reasons.push(`k6 CPU averaged ${avg}% of ${cores} cores (limit ${cpuLimit}%)`);
    const health = {
      dropped_iterations: dropped,
      iterations,
      k6_cpu_avg_percent: Number(avg),
      k6_cpu_peak_percent: Number(peak),
      cores: Number(cores),
      // The analysis reads maxCpuPercent as a share of all generator cores.
      maxCpuPercent: Number(cores) > 0 ? Number(peak) / Number(cores) : Number(peak),
      k6_exit_status: Number(status),
      valid: reasons.length === 0,
      reasons,
    };
    fs.writeFileSync(`${outdir}/generator-health.json`, JSON.stringify(health, null, 2) + "\n");
    console.log(`generator health: ${JSON.stringify(health)}`);
  ' "$1" "$2" "$3" "$4" "$5"
}

# pp_k6_env: prints k6 -e arguments for the current environment (one a line):
# base URL, DFSPs, transfer API, currency and thresholds.
pp_k6_env() {
  local values
  mapfile -t values < <(pp_env_get dfsps transferApi currency target.p95Ms target.maxErrorRate)
  local dfsps
  dfsps="$(node -e 'console.log(JSON.stringify(JSON.parse(process.argv[1]).map((d) => ({ id: d.id, msisdnPrefix: d.msisdnPrefix }))))' "${values[0]}")"
  printf '%s\n' -e "BASE_URL=$(pp_sim_url)" -e "DFSPS=${dfsps}" -e "TRANSFER_API=${values[1]}" \
    -e "CURRENCY=${values[2]}" -e "P95_MS=${values[3]}" -e "MAX_ERROR_RATE=${values[4]}"
}

# pp_results_dir: results folder of the current run.
pp_results_dir() {
  printf '%s\n' "${PERFPLANE_HOME}/results/${PERFPLANE_RUN_ID}"
}

# pp_input KEY: an output an earlier phase recorded, e.g. 07-performance-tests.results_dir.
pp_input() {
  [[ -n "${PERFPLANE_INPUTS_FILE:-}" && -f "${PERFPLANE_INPUTS_FILE}" ]] || return 0
  node -e '
    const inputs = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    const [phase, key] = [process.argv[2].slice(0, process.argv[2].indexOf(".")), process.argv[2].slice(process.argv[2].indexOf(".") + 1)];
    const value = inputs?.[phase]?.[key];
    if (value !== undefined) console.log(value);
  ' "$PERFPLANE_INPUTS_FILE" "$1"
}
