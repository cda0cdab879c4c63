import { isMetricType, type MetricType } from '../model.js';

/** One metric of an end-of-test summary: aggregated values only, no samples. */
export interface SummaryMetric {
  name: string;
  type: MetricType;
  /** k6's value names: count, rate, avg, min, med, max, p(90), passes, fails, value. */
  values: Record<string, number>;
  thresholds: { expression: string; ok: boolean }[];
}

export type SummaryFormat = 'summary-export' | 'handle-summary' | 'summary-v1';

export interface SummaryInput {
  file: string;
  format: SummaryFormat;
  metrics: SummaryMetric[];
  /** Test duration in seconds when the summary states it. */
  durationSeconds: number | null;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numericValues(source: JsonObject): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'number' && Number.isFinite(value)) values[key] = value;
  }
  return values;
}

/** Type of a summary-export metric, recognised by the value names k6 writes for each type. */
function inferType(values: Record<string, number>): MetricType {
  if ('passes' in values || 'fails' in values) return 'rate';
  if ('avg' in values || 'med' in values) return 'trend';
  if ('count' in values) return 'counter';
  return 'gauge';
}

/**
 * Tells the three summary shapes apart and normalises them. Returns
 * undefined when the document matches none of them.
 */
export function parseSummary(file: string, document: unknown): SummaryInput | undefined {
  if (!isObject(document)) return undefined;
  const results = document.results;
  if (typeof document.version === 'string' && isObject(results) && Array.isArray(results.metrics)) {
    return parseVersioned(file, document, results);
  }
  if (!isObject(document.metrics)) return undefined;
  const entries = Object.entries(document.metrics).filter(([, value]) => isObject(value));
  const isHandleSummary = entries.some(([, value]) => isObject((value as JsonObject).values));
  return isHandleSummary
    ? parseHandleSummary(file, document, entries as [string, JsonObject][])
    : parseSummaryExport(file, entries as [string, JsonObject][]);
}

/** `--summary-export`: flattened values; a threshold value of true means it failed. */
function parseSummaryExport(file: string, entries: [string, JsonObject][]): SummaryInput {
  let durationSeconds: number | null = null;
  const metrics = entries.map(([name, body]) => {
    const values = numericValues(body);
    const type = inferType(values);
    if (type === 'rate' && values.value === undefined) {
      const total = (values.passes ?? 0) + (values.fails ?? 0);
      if (total > 0) values.rate = (values.passes ?? 0) / total;
    }
    if (type === 'rate' && values.value !== undefined) values.rate = values.value;
    if (type === 'counter' && values.count && values.rate) {
      durationSeconds = Math.max(durationSeconds ?? 0, values.count / values.rate);
    }
    const thresholds = isObject(body.thresholds)
      ? Object.entries(body.thresholds).map(([expression, failed]) => ({
          expression,
          ok: failed !== true,
        }))
      : [];
    return { name, type, values, thresholds };
  });
  return { file, format: 'summary-export', metrics, durationSeconds };
}

/** The data object handleSummary receives: values per metric, thresholds as {expr: {ok}}. */
function parseHandleSummary(
  file: string,
  document: JsonObject,
  entries: [string, JsonObject][],
): SummaryInput {
  const metrics = entries.map(([name, body]) => {
    const values = isObject(body.values) ? numericValues(body.values) : {};
    const type = isMetricType(body.type) ? body.type : inferType(values);
    if (type === 'rate' && values.rate === undefined && values.value !== undefined) {
      values.rate = values.value;
    }
    return { name, type, values, thresholds: thresholdList(body.thresholds) };
  });
  const state = isObject(document.state) ? document.state : {};
  const durationMs = typeof state.testRunDurationMs === 'number' ? state.testRunDurationMs : null;
  return {
    file,
    format: 'handle-summary',
    metrics,
    durationSeconds: durationMs === null ? null : durationMs / 1000,
  };
}

/** The versioned machine-readable summary of k6 1.5 and later (schema 1.x). */
function parseVersioned(file: string, document: JsonObject, results: JsonObject): SummaryInput {
  const list = [...(results.metrics as unknown[])];
  const checks = isObject(results.checks) ? results.checks : {};
  if (Array.isArray(checks.metrics)) list.push(...checks.metrics);
  else if (isObject(checks.metrics)) list.push(...Object.values(checks.metrics));
  const metrics = list.filter(isObject).flatMap((body) => {
    if (typeof body.name !== 'string') return [];
    const values = isObject(body.values) ? numericValues(body.values) : {};
    const type = isMetricType(body.type) ? body.type : inferType(values);
    return [{ name: body.name, type, values, thresholds: thresholdList(body.thresholds) }];
  });
  const config = isObject(document.config) ? document.config : {};
  const durationSeconds = typeof config.duration === 'number' ? config.duration : null;
  return { file, format: 'summary-v1', metrics, durationSeconds };
}

/** Reads thresholds given as {expr: {ok}}, {expr: boolean ok} or [{source, ok}]. */
function thresholdList(value: unknown): { expression: string; ok: boolean }[] {
  if (Array.isArray(value)) {
    return value.filter(isObject).flatMap((item) => {
      const expression = item.source ?? item.expression ?? item.name;
      if (typeof expression !== 'string') return [];
      return [{ expression, ok: item.ok !== false && item.passed !== false }];
    });
  }
  if (!isObject(value)) return [];
  return Object.entries(value).map(([expression, result]) => ({
    expression,
    ok: isObject(result) ? result.ok !== false : result !== false,
  }));
}
