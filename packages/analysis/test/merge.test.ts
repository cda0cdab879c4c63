import { describe, expect, it } from 'vitest';
import { analyse } from '../src/index.js';
import { metricLine, nearestRank, pointLine, random, tempDir, writeLines } from './helpers.js';

const OFFSETS = ['Z', '+07:00', '-03:00'];

/** RFC 3339 text of epoch ms in the given offset, as a runner in that zone writes it. */
function timeIn(ms: number, offset: string): string {
  if (offset === 'Z') return new Date(ms).toISOString();
  const sign = offset.startsWith('-') ? -1 : 1;
  const minutes = sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, -1)}${offset}`;
}

/** Writes one runner's NDJSON: 10 s of requests with skewed latencies. */
async function writeRunner(dir: string, index: number, samples: number[]): Promise<string> {
  const next = random(index + 1);
  const offset = OFFSETS[index % OFFSETS.length] as string;
  const lines = [
    metricLine('http_reqs', 'counter'),
    metricLine('http_req_duration', 'trend'),
    metricLine('vus', 'gauge'),
  ];
  const start = Date.UTC(2025, 0, 1, 12, 0, 0);
  for (let second = 0; second < 10; second++) {
    lines.push(
      pointLine({ metric: 'vus', time: timeIn(start + second * 1000, offset), value: 5, tags: {} }),
    );
    for (let i = 0; i < 50; i++) {
      const latency = Math.round((20 + next() ** 3 * 400 * (index + 1)) * 1000) / 1000;
      samples.push(latency);
      const time = timeIn(start + second * 1000 + i * 20, offset);
      const tags = { name: 'transfer', scenario: 'transfer', status: '200' };
      const order = i % 2 === 0 ? 'current' : 'data-first';
      lines.push(pointLine({ metric: 'http_reqs', time, value: 1, tags, order }));
      lines.push(pointLine({ metric: 'http_req_duration', time, value: latency, tags, order }));
    }
  }
  return writeLines(dir, `runner-${index}.ndjson${index === 2 ? '.gz' : ''}`, lines, {
    gzip: index === 2,
  });
}

describe('merge', () => {
  describe('runner NDJSON files', () => {
    it('merges p95 from histograms', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const samples: number[] = [];
        const files = [];
        for (let index = 0; index < 3; index++) files.push(await writeRunner(dir, index, samples));
        const result = await analyse({ files, window: { trimFraction: 0 } });
        const latency = result.figures.run.latency;
        for (const p of [50, 90, 95, 99] as const) {
          const expected = nearestRank(samples, p);
          const actual = latency[`p${p}`] as number;
          expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(0.01);
        }
        expect(latency.max).toBe(Math.max(...samples));
        expect(result.exactness.latencyP95?.exact).toBe(false);
      } finally {
        await cleanup();
      }
    });

    it('adds counters and VUs', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const samples: number[] = [];
        const files = [];
        for (let index = 0; index < 3; index++) files.push(await writeRunner(dir, index, samples));
        const result = await analyse({ files, window: { trimFraction: 0 } });
        expect(result.figures.run.requests).toBe(1500);
        expect(result.figures.run.vusMax).toBe(15);
        expect(result.series?.requests).toEqual(new Array(10).fill(150));
        expect(result.run.durationSeconds).toBeLessThan(10);
      } finally {
        await cleanup();
      }
    });

    it('reads .gz through a gzip pipe', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const files = [];
        for (let index = 0; index < 3; index++) files.push(await writeRunner(dir, index, []));
        const zlib = await analyse({ files, parallel: false, gunzip: 'zlib' });
        const pipe = await analyse({ files, parallel: false, gunzip: 'subprocess' });
        expect(files[2]).toMatch(/\.gz$/);
        expect(pipe.figures).toEqual(zlib.figures);
        expect(pipe.figures.run.requests).toBe(1500);
      } finally {
        await cleanup();
      }
    });

    it('gives the same figures in one thread', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const files = [];
        for (let index = 0; index < 3; index++) files.push(await writeRunner(dir, index, []));
        const parallel = await analyse({ files, parallel: true });
        const serial = await analyse({ files, parallel: false });
        expect(parallel.figures).toEqual(serial.figures);
      } finally {
        await cleanup();
      }
    });
  });

  describe('summaries', () => {
    it('adds counts and leaves percentiles out', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const summary = (count: number, failed: number, p95: number) =>
          JSON.stringify({
            metrics: {
              http_reqs: { count, rate: count / 10 },
              iterations: { count, rate: count / 10 },
              http_req_failed: { passes: failed, fails: count - failed, value: failed / count },
              http_req_duration: {
                avg: 100,
                min: 5,
                med: 90,
                max: 900 + count,
                'p(90)': p95 - 10,
                'p(95)': p95,
              },
            },
          });
        const a = await writeLines(dir, 'a.json', [summary(100, 2, 300)]);
        const b = await writeLines(dir, 'b.json', [summary(300, 1, 500)]);
        const result = await analyse({ files: [a, b] });
        expect(result.figures.run.requests).toBe(400);
        expect(result.figures.run.failedRequests).toBe(3);
        expect(result.figures.run.errorRate).toBeCloseTo(3 / 400, 12);
        expect(result.figures.run.latency.p95).toBeNull();
        expect(result.figures.run.latency.max).toBe(1200);
        expect(result.exactness.latencyP95?.exact).toBe(false);
        expect(result.exactness.requests?.exact).toBe(true);
        expect(result.warnings.map((warning) => warning.kind)).toContain('inexact-merge');
      } finally {
        await cleanup();
      }
    });
  });
});
