import { describe, expect, it } from 'vitest';
import { generateNdjson } from '../bench/generate.js';
import { Accumulator } from '../src/accumulator.js';
import { readNdjson } from '../src/readers/ndjson.js';
import { WarningLog } from '../src/warnings.js';
import { fixture, metricLine, pointLine, random, tempDir, writeLines } from './helpers.js';

/** Reads a file with and without the byte-level fast path and returns both accumulators. */
async function readBothWays(path: string) {
  const fast = new Accumulator();
  const slow = new Accumulator();
  const fastResult = await readNdjson(path, fast, new WarningLog(), { fastPath: true });
  const slowResult = await readNdjson(path, slow, new WarningLog(), { fastPath: false });
  return { fast: fast.encode(), slow: slow.encode(), fastResult, slowResult };
}

describe('NDJSON fast path', () => {
  it('matches JSON.parse on the fixtures', async () => {
    for (const name of ['ticket-reserve_output.ndjson', 'k6-load-template_k6-results.ndjson']) {
      const { fast, slow, fastResult } = await readBothWays(fixture(name));
      expect(fastResult.fastLines).toBeGreaterThan(0);
      expect(fast.metrics).toEqual(slow.metrics);
      expect(fast.groups).toEqual(slow.groups);
    }
  });

  it('matches JSON.parse on odd lines', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const next = random(7);
      const lines = [metricLine('http_req_duration', 'trend'), metricLine('http_reqs', 'counter')];
      for (let i = 0; i < 400; i++) {
        const value = [
          next() * 1000,
          Math.round(next() * 1e6) / 1e3,
          -next(),
          1e-7 * next(),
          123456789.12345679,
          Number('123456789.123456789'),
          0,
        ][i % 7] as number;
        const tags: Record<string, string> = {
          name: ['quote', 'transfer "x"', 'pártý', 'a}b', ''][i % 5] as string,
          scenario: 'transfer',
        };
        const time = `2025-01-01T0${i % 3}:00:${String(i % 60).padStart(2, '0')}.${'123456789'.slice(0, (i % 9) + 1)}${['Z', '+05:30', '-08:00'][i % 3]}`;
        lines.push(
          pointLine({
            metric: i % 4 === 0 ? 'http_reqs' : 'http_req_duration',
            time,
            value,
            tags: i % 7 === 0 ? null : tags,
            order: i % 2 === 0 ? 'current' : 'data-first',
          }),
        );
      }
      const path = await writeLines(dir, 'odd.ndjson', lines);
      const { fast, slow, fastResult } = await readBothWays(path);
      expect(fastResult.fastLines).toBeGreaterThan(50);
      expect(fastResult.slowLines).toBeGreaterThan(10);
      expect(fast.metrics).toEqual(slow.metrics);
      expect(fast.firstMs).toBe(slow.firstMs);
      expect(fast.lastMs).toBe(slow.lastMs);
    } finally {
      await cleanup();
    }
  });

  it('matches JSON.parse on generated load', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = `${dir}/load.ndjson`;
      await generateNdjson(path, 300_000, { seed: 3 });
      const { fast, slow, fastResult } = await readBothWays(path);
      expect(fastResult.slowLines).toBe(fastResult.lines - fastResult.fastLines);
      expect(fastResult.fastLines).toBeGreaterThan(fastResult.lines - 20);
      expect(fast.metrics).toEqual(slow.metrics);
    } finally {
      await cleanup();
    }
  });
});
