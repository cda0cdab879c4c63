/**
 * Finds the highest transfer rate this machine sustains with k6 and the
 * simulator together. It starts the simulator in its own process and
 * onboards the rehearsal environment. Then it runs k6 at rising rates, one
 * short constant-arrival-rate run per step, until k6 drops iterations,
 * transfers fail, or the step limit is reached. Each step prints one line
 * with the CPU of k6 and of the simulator, read from /proc.
 *
 *   npx tsx packages/simulator/bench/ladder.ts [--api sdk-outbound|fspiop]
 *     [--start 50] [--factor 1.5] [--max-steps 8] [--duration 10s] [--port 18299]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEnvironment } from '@perfplane/core';
import { AdminClient, onboard } from '@perfplane/onboarding';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TICKS_PER_SECOND = 100;

interface StepResult {
  rate: number;
  completed: number;
  failed: number;
  dropped: number;
  p95Ms: number;
  k6Cpu: number;
  simulatorCpu: number;
  status: number;
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function waitForHealth(url: string): Promise<void> {
  for (let attempt = 0; attempt < 150; attempt++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await delay(200);
  }
  throw new Error(`simulator at ${url} did not become healthy within 30 s`);
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.on('close', (status) => resolve(status ?? -1)));
}

/**
 * Returns one stage with VUs pre-allocated for 250 ms iterations, so k6 does
 * not start VUs mid-step (each start compiles the script and can drop iterations).
 */
function stage(rate: number, duration: string) {
  return {
    name: `rate-${rate}`,
    rate,
    duration,
    preAllocatedVUs: Math.max(20, Math.ceil(rate / 4)),
    maxVUs: rate * 2,
  };
}

async function runStep(
  k6: string,
  url: string,
  api: string,
  rate: number,
  duration: string,
  folder: string,
  simulatorPid: number,
  dfsps: string,
): Promise<StepResult> {
  const summaryFile = path.join(folder, `summary-${rate}.json`);
  const child = spawn(
    k6,
    [
      'run',
      '--quiet',
      '--no-color',
      '-e',
      `BASE_URL=${url}`,
      '-e',
      `TRANSFER_API=${api}`,
      '-e',
      `DFSPS=${dfsps}`,
      '-e',
      `STAGES=${JSON.stringify([stage(rate, duration)])}`,
      '-e',
      'P95_MS=100000',
      '-e',
      'MAX_ERROR_RATE=1',
      '--summary-export',
      summaryFile,
      'k6/transfers.ts',
    ],
    { cwd: ROOT, stdio: 'ignore', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } },
  );
  const pid = child.pid as number;
  const started = performance.now();
  const simulatorBefore = await cpuTicks(simulatorPid);
  let k6Ticks = 0;
  const done = exited(child);
  // Sample k6's ticks until it exits; the last sample is the total.
  const sampling = (async () => {
    for (let i = 0; i < 10_000 && child.exitCode === null; i++) {
      k6Ticks = await cpuTicks(pid).catch(() => k6Ticks);
      await delay(500);
    }
  })();
  const status = await done;
  await sampling;
  const seconds = (performance.now() - started) / 1000;
  const simulatorTicks = (await cpuTicks(simulatorPid)) - simulatorBefore;
  const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as {
    metrics: Record<string, { count?: number; 'p(95)'?: number }>;
  };
  return {
    rate,
    completed: summary.metrics.transfers_completed?.count ?? 0,
    failed: summary.metrics.transfers_failed?.count ?? 0,
    dropped: summary.metrics.dropped_iterations?.count ?? 0,
    p95Ms: summary.metrics.transfer_e2e_duration?.['p(95)'] ?? Number.NaN,
    k6Cpu: (100 * k6Ticks) / TICKS_PER_SECOND / seconds,
    simulatorCpu: (100 * simulatorTicks) / TICKS_PER_SECOND / seconds,
    status,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      api: { type: 'string', default: 'sdk-outbound' },
      start: { type: 'string', default: '50' },
      factor: { type: 'string', default: '1.5' },
      'max-steps': { type: 'string', default: '8' },
      duration: { type: 'string', default: '10s' },
      port: { type: 'string', default: '18299' },
      k6: {
        type: 'string',
        default: process.env.PERFPLANE_K6 ?? path.join(process.env.HOME ?? '', 'go/bin/k6'),
      },
    },
  });
  const url = `http://127.0.0.1:${values.port}`;
  const folder = await mkdtemp(path.join(tmpdir(), 'simulator-bench-'));
  const simulator = spawn(
    'node',
    ['--import', 'tsx', 'packages/simulator/src/main.ts', '--port', values.port],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );
  try {
    await waitForHealth(url);
    const environment = await loadEnvironment(ROOT, 'rehearsal');
    await onboard(
      environment,
      { hub: new AdminClient(`${url}/admin`), als: new AdminClient(`${url}/als-admin`) },
      {
        callbackUrlTemplate: `${url}/callbacks/{dfsp}`,
        oracleUrl: `${url}/oracle`,
        partiesPerDfsp: 10,
      },
    );
    const dfsps = JSON.stringify(
      environment.dfsps.map((d) => ({ id: d.id, msisdnPrefix: d.msisdnPrefix })),
    );
    console.log(
      `machine: ${cpus().length} cores, ${cpus()[0]?.model}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; api ${values.api}; ${values.duration} per step`,
    );
    console.log('rate/s  completed  failed  dropped  p95 ms  k6 CPU %  simulator CPU %');
    let rate = Number(values.start);
    let best = 0;
    for (let step = 0; step < Number(values['max-steps']); step++) {
      const result = await runStep(
        values.k6,
        url,
        values.api,
        rate,
        values.duration,
        folder,
        simulator.pid as number,
        dfsps,
      );
      console.log(
        `${String(result.rate).padStart(6)}  ${String(result.completed).padStart(9)}  ${String(result.failed).padStart(6)}  ${String(result.dropped).padStart(7)}  ${result.p95Ms.toFixed(1).padStart(6)}  ${result.k6Cpu.toFixed(0).padStart(8)}  ${result.simulatorCpu.toFixed(0).padStart(15)}`,
      );
      if (result.dropped > 0 || result.failed > 0 || result.status !== 0) break;
      best = rate;
      rate = Math.round(rate * Number(values.factor));
    }
    console.log(`highest rate without dropped iterations or failures: ${best}/s`);
  } finally {
    simulator.kill('SIGTERM');
    await exited(simulator);
    await rm(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
