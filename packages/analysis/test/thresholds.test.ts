import { describe, expect, it } from 'vitest';
import { analyse, parseMetricSelector, parseThreshold } from '../src/index.js';
import { metricLine, pointLine, tempDir, writeLines } from './helpers.js';

describe('parseThreshold', () => {
  it('reads percentiles', () => {
    const threshold = parseThreshold('p(95)<500');
    expect(threshold.aggregation).toBe('p');
    expect(threshold.percentile).toBe(95);
    expect(threshold.operator).toBe('<');
    expect(threshold.limit).toBe(500);
  });

  it('reads other aggregations', () => {
    expect(parseThreshold('rate<0.01').aggregation).toBe('rate');
    expect(parseThreshold('count>100').operator).toBe('>');
    expect(parseThreshold(' avg <= 200 ').limit).toBe(200);
    expect(parseThreshold('p(99.9)<1500').percentile).toBe(99.9);
    expect(parseThreshold('med!=0').operator).toBe('!=');
  });

  it('rejects other text', () => {
    expect(() => parseThreshold('p95 < 500')).toThrow(/not a k6 expression/);
  });
});

describe('parseMetricSelector', () => {
  it('reads tag filters', () => {
    expect(parseMetricSelector('http_req_duration{name:quote}')).toEqual({
      metric: 'http_req_duration',
      tags: { name: 'quote' },
    });
    expect(parseMetricSelector('http_reqs{ status: 500 , scenario:transfer}').tags).toEqual({
      status: '500',
      scenario: 'transfer',
    });
  });

  it('rejects an unclosed brace', () => {
    expect(() => parseMetricSelector('http_reqs{status:500')).toThrow(/closing brace/);
  });
});

async function writeRun(dir: string): Promise<string> {
  const lines = [
    metricLine('http_req_duration', 'trend', {
      thresholds: ['p(95)<100', 'max<1000'],
      submetrics: [{ name: 'http_req_duration{name:quote}', tags: { name: 'quote' } }],
    }),
    metricLine('http_req_failed', 'rate', { thresholds: ['rate<0.01'] }),
    metricLine('http_reqs', 'counter', { thresholds: ['count>5'] }),
  ];
  for (let i = 0; i < 10; i++) {
    const time = `2025-01-01T00:00:0${i}.000Z`;
    const name = i < 5 ? 'quote' : 'transfer';
    // quote requests take 10..50 ms, transfers 200..600 ms.
    const value = name === 'quote' ? 10 * (i + 1) : 100 * (i - 3);
    const tags = { name, scenario: 'transfer' };
    lines.push(pointLine({ metric: 'http_req_duration', time, value, tags }));
    lines.push(pointLine({ metric: 'http_req_failed', time, value: i === 9 ? 1 : 0, tags }));
    lines.push(pointLine({ metric: 'http_reqs', time, value: 1, tags }));
  }
  return writeLines(dir, 'run.ndjson', lines);
}

describe('threshold evaluation', () => {
  it('evaluates Metric line thresholds', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const result = await analyse({ files: [await writeRun(dir)] });
      const find = (metric: string, expression: string) =>
        result.thresholds.find(
          (entry) => entry.metric === metric && entry.expression === expression,
        );
      expect(find('http_req_duration', 'p(95)<100')?.ok).toBe(false);
      expect(find('http_req_duration', 'max<1000')?.ok).toBe(true);
      expect(find('http_req_duration', 'max<1000')?.observed).toBe(600);
      expect(find('http_req_failed', 'rate<0.01')?.ok).toBe(false);
      expect(find('http_req_failed', 'rate<0.01')?.observed).toBeCloseTo(0.1, 12);
      expect(find('http_reqs', 'count>5')?.observed).toBe(10);
    } finally {
      await cleanup();
    }
  });

  it('evaluates submetric selectors', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const result = await analyse({
        files: [await writeRun(dir)],
        thresholds: {
          'http_req_duration{name:quote}': ['p(95)<100', 'avg<50'],
          'http_req_duration{name:transfer}': ['min>=200'],
        },
      });
      const quote = result.thresholds.filter(
        (entry) => entry.metric === 'http_req_duration{name:quote}',
      );
      expect(quote.map((entry) => entry.ok)).toEqual([true, true]);
      expect(quote[1]?.observed).toBe(30);
      const transfer = result.thresholds.find(
        (entry) => entry.metric === 'http_req_duration{name:transfer}',
      );
      expect(transfer?.ok).toBe(true);
      expect(transfer?.observed).toBe(200);
    } finally {
      await cleanup();
    }
  });

  it('gives 0 for an empty submetric', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const result = await analyse({
        files: [await writeRun(dir)],
        thresholds: { 'http_req_duration{name:missing}': ['p(95)<100', 'count>0'] },
      });
      const entries = result.thresholds.filter(
        (entry) => entry.metric === 'http_req_duration{name:missing}',
      );
      expect(entries.every((entry) => entry.noSamples)).toBe(true);
      expect(entries[0]?.observed).toBe(0);
      expect(entries[0]?.ok).toBe(true);
      expect(entries[1]?.ok).toBe(false);
    } finally {
      await cleanup();
    }
  });

  it('rejects an aggregation of another type', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await expect(
        analyse({ files: [await writeRun(dir)], thresholds: { http_reqs: ['p(95)<1'] } }),
      ).rejects.toThrow(/aggregation a counter metric does not have/);
    } finally {
      await cleanup();
    }
  });
});
