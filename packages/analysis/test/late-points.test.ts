import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCUMULATOR_OPTIONS, OPEN_CELL_SECONDS } from '../src/accumulator.js';
import { createHistogram, percentile, recordValue } from '../src/histogram.js';
import { analyse } from '../src/index.js';
import { readSampleFile } from '../src/readers/index.js';
import { metricLine, pointLine, random, tempDir, writeLines } from './helpers.js';

const START = Date.UTC(2025, 2, 1, 8, 0, 0);
const SECONDS = 200;
const PER_SECOND = 20;
const NAMES = ['quote', 'transfer'];

interface Sample {
  ms: number;
  name: string;
  latency: number;
}

function makeSamples(): Sample[] {
  const next = random(7);
  const samples: Sample[] = [];
  for (let second = 0; second < SECONDS; second++) {
    for (let i = 0; i < PER_SECOND; i++) {
      samples.push({
        ms: START + second * 1000 + Math.floor(next() * 1000),
        name: NAMES[i % NAMES.length] as string,
        latency: Math.round((5 + next() ** 3 * 900) * 1000) / 1000,
      });
    }
  }
  return samples.sort((a, b) => a.ms - b.ms);
}

/**
 * Reorders samples as a loaded k6 might: each one moves up to 3 s, and one
 * in fifty arrives more than OPEN_CELL_SECONDS late.
 */
function shuffle(samples: Sample[]): Sample[] {
  const next = random(11);
  const keyed = samples.map((sample) => {
    const late = next() < 0.02 ? (OPEN_CELL_SECONDS + 5 + next() * 30) * 1000 : 0;
    return { sample, at: sample.ms + next() * 3000 + late };
  });
  return keyed.sort((a, b) => a.at - b.at).map((entry) => entry.sample);
}

function lines(samples: Sample[]): string[] {
  const result = [metricLine('http_reqs', 'counter'), metricLine('http_req_duration', 'trend')];
  for (const sample of samples) {
    const time = new Date(sample.ms).toISOString();
    const tags = { name: sample.name, scenario: 'transfer', status: '200' };
    result.push(pointLine({ metric: 'http_reqs', time, value: 1, tags }));
    result.push(pointLine({ metric: 'http_req_duration', time, value: sample.latency, tags }));
  }
  return result;
}

/** Rounds fractions to 12 significant digits: sums in another order differ in the last bits. */
function rounded<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_, item) =>
      typeof item === 'number' && !Number.isInteger(item) ? Number(item.toPrecision(12)) : item,
    ),
  ) as T;
}

describe('late points', () => {
  describe('shuffled NDJSON', () => {
    it('matches the time-ordered file', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const samples = makeSamples();
        const ordered = await writeLines(dir, 'ordered.ndjson', lines(samples));
        const shuffled = await writeLines(dir, 'shuffled.ndjson', lines(shuffle(samples)));
        const expected = await analyse({ files: [ordered], parallel: false });
        const actual = await analyse({ files: [shuffled], parallel: false });
        expect(rounded(actual.figures.window)).toEqual(rounded(expected.figures.window));
        expect(rounded(actual.figures.run)).toEqual(rounded(expected.figures.run));
        expect(rounded(actual.series)).toEqual(rounded(expected.series));
        expect(rounded(actual.byName)).toEqual(rounded(expected.byName));
      } finally {
        await cleanup();
      }
    });

    it('gives window percentiles of exactly the window samples', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const samples = makeSamples();
        const path = await writeLines(dir, 'shuffled.ndjson', lines(shuffle(samples)));
        const result = await analyse({ files: [path], parallel: false });
        const from = Date.parse(result.window.startTime ?? '');
        const to = Date.parse(result.window.endTime ?? '');
        const inside = samples.filter((sample) => sample.ms >= from && sample.ms < to);
        const reference = createHistogram(2);
        for (const sample of inside) recordValue(reference, sample.latency);
        const latency = result.figures.window.latency;
        expect(latency.count).toBe(inside.length);
        expect(latency.max).toBe(Math.max(...inside.map((sample) => sample.latency)));
        expect(latency.min).toBe(Math.min(...inside.map((sample) => sample.latency)));
        for (const p of [50, 90, 95, 99] as const) {
          expect(latency[`p${p}`]).toBe(percentile(reference, p));
        }
      } finally {
        await cleanup();
      }
    });

    it('stores old cells compactly and counts late ones', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'shuffled.ndjson', lines(shuffle(makeSamples())));
        const { accumulator } = await readSampleFile(path, 'ndjson', DEFAULT_ACCUMULATOR_OPTIONS);
        const cells = [...(accumulator.metrics.get('http_req_duration')?.cells.values() ?? [])];
        const compact = cells.filter((cell) => cell.compact !== undefined).length;
        const live = cells.filter((cell) => cell.histogram !== undefined).length;
        expect(accumulator.latePoints).toBeGreaterThan(0);
        expect(compact + live).toBe(cells.length);
        expect(live).toBeLessThanOrEqual((OPEN_CELL_SECONDS + 40) * NAMES.length);
        expect(compact).toBeGreaterThan(cells.length / 2);
      } finally {
        await cleanup();
      }
    });
  });

  describe('runner files', () => {
    it('merge compact cells across workers', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const samples = makeSamples();
        const whole = await writeLines(dir, 'whole.ndjson', lines(shuffle(samples)));
        const halves = [0, 1].map((part) => samples.filter((_, index) => index % 2 === part));
        const files = [
          await writeLines(dir, 'runner-0.ndjson', lines(shuffle(halves[0] as Sample[]))),
          await writeLines(dir, 'runner-1.ndjson.gz', lines(shuffle(halves[1] as Sample[])), {
            gzip: true,
          }),
        ];
        const expected = await analyse({ files: [whole], parallel: false });
        const merged = await analyse({ files, parallel: true });
        expect(rounded(merged.figures.window)).toEqual(rounded(expected.figures.window));
        expect(rounded(merged.series)).toEqual(rounded(expected.series));
      } finally {
        await cleanup();
      }
    });
  });
});
