import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);

export interface PointOverrides {
  metric?: string;
  time?: string;
  value?: number | null;
  tags?: Record<string, string> | null;
  /** Key order of the line: k6's current one, or the data object first. */
  order?: 'current' | 'data-first';
}

export function pointLine(overrides: PointOverrides = {}): string {
  const metric = overrides.metric ?? 'http_req_duration';
  const data = {
    time: overrides.time ?? '2025-01-01T00:00:00.000Z',
    value: overrides.value === undefined ? 1 : overrides.value,
    tags: overrides.tags === undefined ? { name: 'quote', scenario: 'transfer' } : overrides.tags,
  };
  return overrides.order === 'data-first'
    ? JSON.stringify({ data, type: 'Point', metric })
    : JSON.stringify({ metric, type: 'Point', data });
}

export function metricLine(
  name: string,
  type: 'counter' | 'gauge' | 'rate' | 'trend',
  overrides: {
    thresholds?: string[];
    submetrics?: { name: string; tags: Record<string, string> }[];
  } = {},
): string {
  return JSON.stringify({
    type: 'Metric',
    data: {
      name,
      type,
      contains: type === 'trend' ? 'time' : 'default',
      thresholds: overrides.thresholds ?? [],
      submetrics: overrides.submetrics ?? null,
    },
    metric: name,
  });
}

/** A temporary folder removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'perfplane-analysis-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeLines(
  dir: string,
  name: string,
  lines: string[],
  options: { gzip?: boolean; trailingNewline?: boolean } = {},
): Promise<string> {
  const text = lines.join('\n') + (options.trailingNewline === false ? '' : '\n');
  const path = join(dir, name);
  await writeFile(path, options.gzip ? gzipSync(text) : text);
  return path;
}

/** Deterministic pseudo-random numbers (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Nearest-rank percentile of raw samples, the reference the histograms are checked against. */
export function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}
