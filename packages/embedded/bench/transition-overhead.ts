/**
 * Measures the embedded control plane's overhead per phase transition.
 *
 *   npx tsx packages/embedded/bench/transition-overhead.ts [runs]
 *
 * Each run deploys all 8 phases with a one-command buildspec (`true`), so a
 * run is 16 builds (deploy and validate of each phase). The baseline spawns
 * bash for the same 16 commands, each in its own process group, with
 * nothing else. The difference divided by 8 is the overhead a phase adds:
 * the state machine, the store writes, the lock and the build runner.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startRun } from '@perfplane/control';
import { isRunFinished, PHASE_IDS } from '@perfplane/core';
import { startService } from '../src/service.js';

const RUNS = Number(process.argv[2] ?? 5);
const REPO = path.resolve(import.meta.dirname, '../../..');
const BUILDS_PER_PHASE = 2;

function spawnBash(command: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

async function makeRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'perfplane-bench-'));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(path.join(root, 'environments'), { recursive: true });
  await mkdir(path.join(root, 'buildspecs'), { recursive: true });
  const rehearsal = await readFile(path.join(REPO, 'environments/rehearsal.yaml'), 'utf8');
  await writeFile(
    path.join(root, 'environments/rehearsal.yaml'),
    rehearsal.replace(/^provided:\n(?: {2}.*\n)+/m, ''),
  );
  for (const phase of PHASE_IDS) {
    await writeFile(
      path.join(root, 'buildspecs', `${phase}.yml`),
      'version: 0.2\nphases:\n  build:\n    commands:\n      - "true"\n',
    );
  }
  return root;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const root = await makeRoot();
const service = await startService({
  root,
  home: path.join(root, '.perfplane'),
  statemachineDir: path.join(REPO, 'statemachines'),
});
try {
  const runTimes: number[] = [];
  const baselineTimes: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const baselineStart = performance.now();
    for (let build = 0; build < PHASE_IDS.length * BUILDS_PER_PHASE; build += 1) {
      await spawnBash('true', root);
    }
    baselineTimes.push(performance.now() - baselineStart);

    const started = performance.now();
    const run = await startRun(service.deps, 'rehearsal', {});
    for (let poll = 0; poll < 6000; poll += 1) {
      const current = await service.deps.store.getRun(run.runId);
      if (current && isRunFinished(current.status)) {
        if (current.status !== 'succeeded') {
          throw new Error(`benchmark run ${run.runId} ended ${current.status}`);
        }
        break;
      }
      await sleep(5);
    }
    runTimes.push(performance.now() - started);
  }
  const run = median(runTimes);
  const baseline = median(baselineTimes);
  const perPhase = (run - baseline) / PHASE_IDS.length;
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  process.stdout.write(
    [
      `machine: ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      `runs: ${RUNS} of 8 phases, ${PHASE_IDS.length * BUILDS_PER_PHASE} builds each`,
      `median run: ${run.toFixed(0)} ms (runs: ${runTimes.map((time) => time.toFixed(0)).join(', ')})`,
      `median baseline (bash spawns only): ${baseline.toFixed(0)} ms`,
      `overhead per phase transition: ${perPhase.toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
} finally {
  await service.close();
  await rm(root, { recursive: true, force: true });
}
