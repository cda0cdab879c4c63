import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './run-script.js';

interface Runner {
  pod: string;
  dropped?: number;
}

/** Writes a stage folder as pp_run_stage leaves it and returns pp_stage_health's JSON. */
function health(runners: Runner[], cpuLines: string[], allocatable = '15890m') {
  const dir = mkdtempSync(path.join(tmpdir(), 'perfplane-stage-'));
  for (const runner of runners) {
    mkdirSync(path.join(dir, 'results', runner.pod), { recursive: true });
    const metrics =
      runner.dropped === undefined ? {} : { dropped_iterations: { count: runner.dropped } };
    writeFileSync(
      path.join(dir, 'results', runner.pod, 'summary.json'),
      JSON.stringify({ metrics }),
    );
  }
  writeFileSync(path.join(dir, 'cpu.txt'), cpuLines.map((line) => `${line}\n`).join(''));
  writeFileSync(path.join(dir, 'exit-codes.txt'), runners.map(() => '0\n').join(''));
  const nodes = JSON.stringify({ items: [{ status: { allocatable: { cpu: allocatable } } }] });
  const script = [
    `kubectl() { printf '%s' '${nodes}'; }`,
    `source "${path.join(repoRoot, 'phases/lib/stage.sh')}"`,
    `pp_stage_health stage-1 "${dir}"`,
  ].join('\n');
  const result = spawnSync('bash', ['-c', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout);
}

describe('pp_stage_health', () => {
  it('accepts a healthy stage', () => {
    const report = health([{ pod: 'r1', dropped: 0 }, { pod: 'r2' }], ['1 r1 4000', '2 r2 5000']);
    expect(report.valid).toBe(true);
    expect(report.peakRunnerMillicores).toBe(5000);
    expect(report.nodeAllocatableMillicores).toBe(15890);
  });

  it('sums dropped iterations', () => {
    const report = health(
      [
        { pod: 'r1', dropped: 3 },
        { pod: 'r2', dropped: 4 },
      ],
      ['1 r1 100'],
    );
    expect(report.droppedIterations).toBe(7);
    expect(report.valid).toBe(false);
  });

  it('flags CPU saturation', () => {
    const report = health([{ pod: 'r1', dropped: 0 }], ['1 r1 2000', '2 r1 15000']);
    expect(report.cpuSaturated).toBe(true);
    expect(report.valid).toBe(false);
  });

  it('reads whole-core allocatable', () => {
    const report = health([{ pod: 'r1' }], ['1 r1 1000'], '16');
    expect(report.nodeAllocatableMillicores).toBe(16000);
  });

  it('keeps the peak per runner', () => {
    const report = health([{ pod: 'r1' }, { pod: 'r2' }], ['1 r1 100', '2 r1 900', '1 r2 300']);
    expect(report.runners).toEqual([
      { pod: 'r1', maxMillicores: 900 },
      { pod: 'r2', maxMillicores: 300 },
    ]);
  });
});
