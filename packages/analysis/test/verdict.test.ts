import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/index.js';
import { metricLine, pointLine, tempDir, writeLines } from './helpers.js';

const START = Date.UTC(2025, 0, 1, 0, 0, 0);

/**
 * A 100 s run: warm-up (0-9 s) at 10 transfers/s and 900 ms latency, steady
 * state (10-89 s) at 20/s and 100 ms, cool-down (90-99 s) at 5/s.
 */
function runLines(
  options: { dropped?: number; steadyLatency?: number; failEvery?: number } = {},
): string[] {
  const lines = [
    metricLine('transfers_completed', 'counter'),
    metricLine('http_reqs', 'counter'),
    metricLine('http_req_failed', 'rate'),
    metricLine('http_req_duration', 'trend'),
    metricLine('iterations', 'counter'),
    metricLine('dropped_iterations', 'counter'),
  ];
  let request = 0;
  for (let second = 0; second < 100; second++) {
    let rate = 20;
    let latency = options.steadyLatency ?? 100;
    if (second < 10) {
      rate = 10;
      latency = 900;
    } else if (second >= 90) {
      rate = 5;
      latency = 900;
    }
    for (let i = 0; i < rate; i++) {
      const time = new Date(START + second * 1000 + i * 10).toISOString();
      const failed = options.failEvery !== undefined && request++ % options.failEvery === 0;
      const tags = { name: 'transfer', scenario: 'transfer', status: failed ? '500' : '200' };
      lines.push(pointLine({ metric: 'http_reqs', time, value: 1, tags }));
      lines.push(pointLine({ metric: 'http_req_failed', time, value: failed ? 1 : 0, tags }));
      lines.push(pointLine({ metric: 'http_req_duration', time, value: latency, tags }));
      lines.push(
        pointLine({ metric: 'iterations', time, value: 1, tags: { scenario: 'transfer' } }),
      );
      if (!failed)
        lines.push(
          pointLine({
            metric: 'transfers_completed',
            time,
            value: 1,
            tags: { scenario: 'transfer' },
          }),
        );
    }
  }
  if (options.dropped) {
    const time = new Date(START + 50_000).toISOString();
    lines.push(
      pointLine({
        metric: 'dropped_iterations',
        time,
        value: options.dropped,
        tags: { scenario: 'transfer' },
      }),
    );
  }
  return lines;
}

const target = { tps: 19, p95Ms: 500, maxErrorRate: 0.01 };

describe('analyse', () => {
  describe('window', () => {
    it('trims 10% at each end by default', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines());
        const result = await analyse({ files: [path] });
        expect(result.window.durationSeconds).toBe(80);
        expect(result.figures.window.tps).toBe(20);
        expect(result.figures.window.latency.p95).toBeCloseTo(100, 0);
        expect(result.figures.run.latency.p95).toBeCloseTo(900, -1);
        expect(result.tpsSource.metric).toBe('transfers_completed');
      } finally {
        await cleanup();
      }
    });

    it('trims explicit seconds', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines());
        const result = await analyse({
          files: [path],
          window: { trimStartSeconds: 5, trimEndSeconds: 0 },
        });
        expect(result.window.durationSeconds).toBe(95);
        expect(result.figures.window.transfers).toBe(5 * 10 + 80 * 20 + 10 * 5);
      } finally {
        await cleanup();
      }
    });

    it('rejects a window left empty', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines());
        await expect(
          analyse({ files: [path], window: { trimStartSeconds: 60, trimEndSeconds: 60 } }),
        ).rejects.toThrow(/window is empty/);
      } finally {
        await cleanup();
      }
    });
  });

  describe('verdict', () => {
    it('passes a run that meets the target', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines());
        const result = await analyse({ files: [path], environment: { target } });
        expect(result.verdict.pass).toBe(true);
        expect(result.validity.valid).toBe(true);
      } finally {
        await cleanup();
      }
    });

    it('fails on latency and errors', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(
          dir,
          'run.ndjson',
          runLines({ steadyLatency: 700, failEvery: 10 }),
        );
        const result = await analyse({ files: [path], environment: { target } });
        const failed = result.verdict.checks
          .filter((check) => !check.ok)
          .map((check) => check.name);
        expect(failed).toEqual(['sustained TPS', 'p95 http_req_duration (ms)', 'error rate']);
        expect(result.verdict.pass).toBe(false);
        expect(result.figures.window.errorsByStatus['500']).toBe(160);
        expect(result.figures.window.tps).toBe(18);
      } finally {
        await cleanup();
      }
    });
  });

  describe('validity', () => {
    it('marks dropped iterations invalid', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines({ dropped: 40 }));
        const result = await analyse({ files: [path], environment: { target } });
        expect(result.validity.valid).toBe(false);
        expect(result.validity.reasons[0]).toMatch(/dropped 40 iterations/);
        expect(result.validity.droppedIterations).toBe(40);
      } finally {
        await cleanup();
      }
    });

    it('tolerates a few dropped iterations', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines({ dropped: 1 }));
        const result = await analyse({ files: [path], droppedTolerance: 0.001 });
        expect(result.validity.valid).toBe(true);
      } finally {
        await cleanup();
      }
    });

    it('marks a saturated generator invalid', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines());
        const health = join(dir, 'health.json');
        await writeFile(
          health,
          JSON.stringify({ samples: [{ cpuPercent: 40 }, { cpuPercent: 97.5 }] }),
        );
        const result = await analyse({ files: [path], generatorHealth: health });
        expect(result.validity.valid).toBe(false);
        expect(result.validity.maxGeneratorCpuPercent).toBe(97.5);
      } finally {
        await cleanup();
      }
    });

    it('reads k6 warnings', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'run.ndjson', runLines());
        const k6Log =
          'running (1m40s)\ntime="2025-01-01" level=warning msg="Insufficient VUs, reached 100 active VUs and cannot initialize more" executor=constant-arrival-rate\n';
        const result = await analyse({ files: [path], k6Log });
        expect(result.validity.reasons[0]).toMatch(/Insufficient VUs/);
      } finally {
        await cleanup();
      }
    });
  });

  describe('baseline', () => {
    it('flags a regression', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const before = await analyse({ files: [await writeLines(dir, 'a.ndjson', runLines())] });
        const after = await analyse({
          files: [await writeLines(dir, 'b.ndjson', runLines({ steadyLatency: 130 }))],
          baseline: before,
        });
        const p95 = after.baseline?.comparisons.find(
          (comparison) => comparison.figure === 'latencyP95',
        );
        expect(p95?.regression).toBe(true);
        expect(p95?.changePercent).toBeGreaterThan(25);
        const tps = after.baseline?.comparisons.find((comparison) => comparison.figure === 'tps');
        expect(tps?.regression).toBe(false);
        expect(after.baseline?.regression).toBe(true);
      } finally {
        await cleanup();
      }
    });

    it('accepts changes within tolerance', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const before = await analyse({ files: [await writeLines(dir, 'a.ndjson', runLines())] });
        const baselinePath = join(dir, 'baseline.json');
        await writeFile(baselinePath, JSON.stringify(before));
        const after = await analyse({
          files: [await writeLines(dir, 'b.ndjson', runLines({ steadyLatency: 103 }))],
          baseline: baselinePath,
          regressionTolerancePercent: 5,
        });
        expect(after.baseline?.regression).toBe(false);
      } finally {
        await cleanup();
      }
    });
  });
});
