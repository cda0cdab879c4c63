import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyse } from '../src/index.js';
import { metricLine, pointLine, tempDir, writeLines } from './helpers.js';

const good = (second: number, value = 10) =>
  pointLine({ metric: 'http_req_duration', time: `2025-01-01T00:00:0${second}Z`, value });

describe('bad input', () => {
  describe('NDJSON', () => {
    it('warns on a truncated last line', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const cut = good(2).slice(0, 40);
        const path = await writeLines(
          dir,
          'cut.ndjson',
          [metricLine('http_req_duration', 'trend'), good(1), cut],
          {
            trailingNewline: false,
          },
        );
        const result = await analyse({ files: [path] });
        expect(result.figures.run.latency.count).toBe(1);
        const warning = result.warnings.find((entry) => entry.kind === 'truncated-last-line');
        expect(warning?.count).toBe(1);
        expect(warning?.firstLine).toBe(3);
      } finally {
        await cleanup();
      }
    });

    it('counts null and missing values', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'null.ndjson', [
          metricLine('http_req_duration', 'trend'),
          good(1),
          pointLine({ time: '2025-01-01T00:00:02Z', value: null }),
          '{"metric":"http_req_duration","type":"Point","data":{"time":"2025-01-01T00:00:03Z","tags":{}}}',
          '{"metric":"http_req_duration","type":"Point","data":{"time":"2025-01-01T00:00:03Z","value":NaN,"tags":{}}}',
        ]);
        const result = await analyse({ files: [path] });
        expect(result.figures.run.latency.count).toBe(1);
        expect(result.warnings.find((entry) => entry.kind === 'invalid-value')?.count).toBe(2);
        expect(result.warnings.find((entry) => entry.kind === 'invalid-json')?.firstLine).toBe(5);
      } finally {
        await cleanup();
      }
    });

    it('skips unknown metric types', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'types.ndjson', [
          '{"type":"Metric","data":{"name":"weird","type":"histogram"},"metric":"weird"}',
          pointLine({ metric: 'weird', value: 3 }),
          '{"type":"Summary","data":{}}',
          good(1),
        ]);
        const result = await analyse({ files: [path] });
        const kinds = result.warnings.map((entry) => entry.kind).sort();
        expect(kinds).toEqual(['point-before-metric', 'unknown-line-type', 'unknown-metric-type']);
        expect(result.figures.run.latency.count).toBe(1);
      } finally {
        await cleanup();
      }
    });

    it('types built-in points before their Metric line', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'early.ndjson', [
          good(1),
          pointLine({ metric: 'custom_trend', value: 5 }),
          metricLine('custom_trend', 'trend'),
          pointLine({ metric: 'custom_trend', value: 7 }),
        ]);
        const result = await analyse({ files: [path] });
        expect(result.figures.run.latency.count).toBe(1);
        const custom = result.metrics.find((metric) => metric.name === 'custom_trend');
        expect(custom?.count).toBe(1);
        expect(result.warnings.find((entry) => entry.kind === 'point-before-metric')?.count).toBe(
          1,
        );
      } finally {
        await cleanup();
      }
    });

    it('reads points without tags', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'tags.ndjson', [
          pointLine({ metric: 'http_reqs', tags: null }),
          '{"metric":"http_reqs","type":"Point","data":{"time":"2025-01-01T00:00:01Z","value":1}}',
        ]);
        const result = await analyse({ files: [path] });
        expect(result.figures.run.requests).toBe(2);
        expect(result.warnings).toEqual([]);
      } finally {
        await cleanup();
      }
    });

    it('rejects a file with only an empty input', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = join(dir, 'empty.ndjson');
        await writeFile(path, '');
        await expect(analyse({ files: [path] })).rejects.toThrow(
          /every input is empty.*empty\.ndjson/,
        );
      } finally {
        await cleanup();
      }
    });

    it('warns on an empty runner file', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const empty = join(dir, 'empty.ndjson');
        await writeFile(empty, '');
        const path = await writeLines(dir, 'ok.ndjson', [good(1)]);
        const result = await analyse({ files: [path, empty] });
        expect(result.warnings.find((entry) => entry.kind === 'empty-file')?.file).toBe(empty);
      } finally {
        await cleanup();
      }
    });
  });

  describe('CSV', () => {
    it('keeps unknown columns as tags', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'old.csv', [
          'metric_name,timestamp,metric_value,name,scenario,status,team,extra_tags',
          'http_reqs,1730305221,1.000000,quote,transfer,200,payments,fspiop_error_code=3100&region=eu',
          'http_reqs,1730305222,1.000000,quote,transfer,500,payments,',
          'http_reqs,1730305222,1.0',
        ]);
        const result = await analyse({ files: [path] });
        expect(result.figures.run.requests).toBe(2);
        expect(result.figures.run.errorsByFspiopCode).toEqual({ '3100': 1 });
        expect(result.figures.run.errorsByStatus).toEqual({ '500': 1 });
        const kinds = result.warnings.map((entry) => entry.kind).sort();
        expect(kinds).toEqual(['invalid-csv-row', 'unknown-csv-column']);
      } finally {
        await cleanup();
      }
    });

    it('rejects a header without k6 columns', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'bad.csv', ['metric_name,when,value', 'a,b,c']);
        await expect(analyse({ files: [path] })).rejects.toThrow(
          /bad\.csv: line 1 is not a k6 CSV header/,
        );
      } finally {
        await cleanup();
      }
    });
  });

  describe('summaries', () => {
    it('warns on a summary without metrics', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'summary.json', [JSON.stringify({ metrics: {} })]);
        const result = await analyse({ files: [path] });
        expect(result.warnings.find((entry) => entry.kind === 'no-samples')?.file).toBe(path);
        expect(result.figures.run.requests).toBe(0);
        expect(result.figures.run.tps).toBeNull();
      } finally {
        await cleanup();
      }
    });

    it('rejects JSON that is no summary', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const path = await writeLines(dir, 'other.json', [JSON.stringify({ hello: 'world' })]);
        await expect(analyse({ files: [path] })).rejects.toThrow(
          /other\.json is JSON but not a k6 summary/,
        );
      } finally {
        await cleanup();
      }
    });

    it('reads the versioned summary', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const document = {
          version: '1.0.0',
          metadata: { generatedAt: '2025-01-15T10:30:45.123Z', k6Version: '1.5.0' },
          config: { execution: 'local', duration: 60 },
          results: {
            passed: true,
            metrics: [
              {
                name: 'http_reqs',
                type: 'counter',
                contains: 'default',
                values: { count: 1500, rate: 25 },
              },
              {
                name: 'http_req_duration',
                type: 'trend',
                contains: 'time',
                values: {
                  avg: 245.67,
                  min: 123.45,
                  med: 234.56,
                  max: 456.78,
                  'p(90)': 387.65,
                  'p(95)': 421.32,
                  'p(99)': 445.12,
                  count: 1500,
                },
              },
              {
                name: 'http_req_failed',
                type: 'rate',
                contains: 'default',
                values: { rate: 0.02, passes: 30, fails: 1470 },
              },
              {
                name: 'iterations',
                type: 'counter',
                contains: 'default',
                values: { count: 1500, rate: 25 },
              },
            ],
          },
        };
        const path = await writeLines(dir, 'v1.json', [JSON.stringify(document, null, 2)]);
        const result = await analyse({ files: [path] });
        expect(result.inputs[0]?.format).toBe('summary-v1');
        expect(result.figures.run.tps).toBe(25);
        expect(result.figures.run.latency.p95).toBe(421.32);
        expect(result.figures.run.latency.p99).toBe(445.12);
        expect(result.figures.run.errorRate).toBeCloseTo(0.02, 12);
      } finally {
        await cleanup();
      }
    });

    it('reads handleSummary data with thresholds', async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const document = {
          state: { testRunDurationMs: 10_000 },
          root_group: { name: '', groups: [], checks: [] },
          metrics: {
            http_reqs: { type: 'counter', contains: 'default', values: { count: 100, rate: 10 } },
            http_req_duration: {
              type: 'trend',
              contains: 'time',
              values: { avg: 50, min: 1, med: 40, max: 300, 'p(90)': 90, 'p(95)': 120 },
              thresholds: { 'p(95)<100': { ok: false } },
            },
          },
        };
        const path = await writeLines(dir, 'handle.json', [JSON.stringify(document)]);
        const result = await analyse({ files: [path] });
        expect(result.inputs[0]?.format).toBe('handle-summary');
        expect(result.figures.run.tps).toBe(0);
        expect(result.figures.run.requestsPerSecond).toBe(10);
        expect(result.thresholds).toEqual([
          {
            metric: 'http_req_duration',
            expression: 'p(95)<100',
            ok: false,
            observed: 120,
            evaluatedBy: 'k6',
            noSamples: false,
          },
        ]);
      } finally {
        await cleanup();
      }
    });
  });
});
