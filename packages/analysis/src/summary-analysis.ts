import { PerfplaneError } from '@perfplane/core';
import type { AnalyseOptions } from './analyse.js';
import { DEFAULT_TPS_METRIC, verdict } from './analyse.js';
import type { MetricType } from './model.js';
import type { SummaryInput } from './readers/summary.js';
import type { AnalysisResult, Figures, MetricSummary, ThresholdResult } from './schema.js';
import { compare, parseThreshold } from './thresholds.js';
import { WarningLog } from './warnings.js';

interface MergedMetric {
  name: string;
  type: MetricType;
  values: Record<string, number>;
  /** Value names that are exact after the merge. */
  exact: Set<string>;
  files: number;
}

const PERCENTILE_KEY = /^(med|p\(\d+(\.\d+)?\))$/;

/**
 * Merges summaries of parallel runners where the merge is exact: counts,
 * passes and fails add; min and max take the extreme; an average is
 * weighted when counts are known. Percentiles of several runners cannot be
 * merged from summaries, so they are left out rather than averaged.
 */
function mergeSummaries(summaries: SummaryInput[]): Map<string, MergedMetric> {
  const merged = new Map<string, MergedMetric>();
  for (const summary of summaries) {
    for (const metric of summary.metrics) {
      const current = merged.get(metric.name);
      if (!current) {
        merged.set(metric.name, {
          name: metric.name,
          type: metric.type,
          values: { ...metric.values },
          exact: new Set(Object.keys(metric.values)),
          files: 1,
        });
        continue;
      }
      mergeMetric(current, metric.values);
    }
  }
  return merged;
}

function mergeMetric(current: MergedMetric, values: Record<string, number>): void {
  const before = { ...current.values };
  current.files++;
  const next: Record<string, number> = {};
  const exact = new Set<string>();
  const sumOf = (key: string) => (before[key] ?? 0) + (values[key] ?? 0);
  if (current.type === 'counter') {
    next.count = sumOf('count');
    exact.add('count');
    if (before.rate !== undefined && values.rate !== undefined) next.rate = sumOf('rate');
  } else if (current.type === 'rate') {
    next.passes = sumOf('passes');
    next.fails = sumOf('fails');
    const total = next.passes + next.fails;
    if (total > 0) next.rate = next.passes / total;
    for (const key of ['passes', 'fails', 'rate']) exact.add(key);
  } else if (current.type === 'gauge') {
    if (before.max !== undefined && values.max !== undefined) next.max = sumOf('max');
    if (before.value !== undefined && values.value !== undefined) next.value = sumOf('value');
  } else {
    if (before.min !== undefined && values.min !== undefined) {
      next.min = Math.min(before.min, values.min);
      exact.add('min');
    }
    if (before.max !== undefined && values.max !== undefined) {
      next.max = Math.max(before.max, values.max);
      exact.add('max');
    }
    const countA = before.count;
    const countB = values.count;
    if (countA !== undefined && countB !== undefined) {
      next.count = countA + countB;
      exact.add('count');
      if (before.avg !== undefined && values.avg !== undefined && next.count > 0) {
        next.avg = (before.avg * countA + values.avg * countB) / next.count;
        exact.add('avg');
      }
    }
  }
  current.values = next;
  current.exact = exact;
}

function metricValue(metric: MergedMetric | undefined, key: string): number | null {
  const value = metric?.values[key];
  return value === undefined ? null : value;
}

export function analyseSummaries(
  options: AnalyseOptions,
  summaries: SummaryInput[],
  empty: string[],
): AnalysisResult {
  if (summaries.length === 0) {
    throw new PerfplaneError(
      'InvalidArgument',
      `every input is empty (${empty.join(', ')}); k6 wrote no results`,
    );
  }
  const warnings = new WarningLog();
  for (const path of empty) warnings.add(path, 'empty-file', null, 'the file is empty');
  const merged = mergeSummaries(summaries);
  if (merged.size === 0) {
    for (const summary of summaries) {
      warnings.add(summary.file, 'no-samples', null, 'the summary lists no metrics');
    }
  }
  if (summaries.length > 1) {
    warnings.add(
      summaries.map((summary) => summary.file).join(', '),
      'inexact-merge',
      null,
      'percentiles of several runner summaries cannot be merged and are left out; export --out json for exact figures',
    );
  }
  const durations = summaries
    .map((summary) => summary.durationSeconds)
    .filter((value): value is number => value !== null);
  const durationSeconds = durations.length > 0 ? Math.max(...durations) : 0;
  const latencyMetric = options.latencyMetric ?? 'http_req_duration';
  const tpsMetric =
    options.tpsMetric ?? (merged.has(DEFAULT_TPS_METRIC) ? DEFAULT_TPS_METRIC : 'iterations');
  const figures = summaryFigures(merged, latencyMetric, tpsMetric, durationSeconds, options);
  const target = options.environment?.target ?? null;
  const single = summaries.length === 1;
  const percentileNote = single
    ? { exact: true, note: 'as k6 computed it for this single runner' }
    : { exact: false, note: 'not available: percentiles of several summaries cannot be merged' };

  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    source: 'summaries',
    inputs: summaries.map((summary) => ({
      file: summary.file,
      format: summary.format,
      lines: null,
      bytes: null,
    })),
    run: { startTime: null, endTime: null, durationSeconds },
    window: {
      startTime: null,
      endTime: null,
      durationSeconds,
      rule: 'whole run: summaries have no time series, so nothing can be trimmed',
    },
    tpsSource: {
      metric: tpsMetric,
      scenario: null,
      rule: `${tpsMetric} count over the summary's test duration`,
    },
    figures: { run: figures, window: figures },
    exactness: {
      tps: { exact: durations.length > 0, note: 'summed counts over the longest runner duration' },
      requests: { exact: true, note: 'summed counts' },
      errorRate: { exact: true, note: 'summed passes and fails' },
      latencyAvg: {
        exact: single || merged.get(latencyMetric)?.exact.has('avg') === true,
        note: 'weighted by count when the summaries give counts',
      },
      latencyMax: { exact: true, note: 'largest of the runners' },
      latencyP50: percentileNote,
      latencyP90: percentileNote,
      latencyP95: percentileNote,
      latencyP99: percentileNote,
    },
    series: null,
    seriesStart: null,
    byName: [],
    byScenario: [],
    breakdownTag: options.breakdownTag ?? 'name',
    metrics: [...merged.values()]
      .map(
        (metric): MetricSummary => ({
          name: metric.name,
          type: metric.type,
          count: metric.values.count ?? (metric.values.passes ?? 0) + (metric.values.fails ?? 0),
          values: metric.values,
          exact: Object.keys(metric.values).every((key) => metric.exact.has(key)),
        }),
      )
      .sort((a, b) => a.name.localeCompare(b.name)),
    thresholds: summaryThresholds(summaries, merged),
    verdict: verdict(target, figures),
    validity: {
      valid: (metricValue(merged.get('dropped_iterations'), 'count') ?? 0) === 0,
      reasons:
        (metricValue(merged.get('dropped_iterations'), 'count') ?? 0) > 0
          ? [`k6 dropped ${metricValue(merged.get('dropped_iterations'), 'count')} iterations`]
          : [],
      droppedIterations: metricValue(merged.get('dropped_iterations'), 'count') ?? 0,
      droppedShare: null,
      maxGeneratorCpuPercent: null,
    },
    baseline: null,
    warnings: warnings.list(),
  };
}

function summaryFigures(
  merged: Map<string, MergedMetric>,
  latencyMetric: string,
  tpsMetric: string,
  durationSeconds: number,
  options: AnalyseOptions,
): Figures {
  const requests = metricValue(merged.get('http_reqs'), 'count') ?? 0;
  const transfers = metricValue(merged.get(tpsMetric), 'count') ?? 0;
  const failedRequests = metricValue(merged.get('http_req_failed'), 'passes') ?? 0;
  const latency = merged.get(latencyMetric);
  const failedTransfers = metricValue(
    merged.get(options.failedTransfersMetric ?? 'transfers_failed'),
    'count',
  );
  const errorRate =
    failedTransfers !== null
      ? transfers + failedTransfers > 0
        ? failedTransfers / (transfers + failedTransfers)
        : null
      : requests > 0
        ? failedRequests / requests
        : null;
  const single = (latency?.files ?? 1) === 1;
  const percentileValue = (key: string) => (single ? metricValue(latency, key) : null);
  return {
    durationSeconds,
    requests,
    requestsPerSecond: durationSeconds > 0 ? requests / durationSeconds : null,
    transfers,
    tps: durationSeconds > 0 ? transfers / durationSeconds : null,
    latency: {
      metric: latencyMetric,
      count: metricValue(latency, 'count') ?? 0,
      avg: latency?.exact.has('avg') ? metricValue(latency, 'avg') : null,
      min: metricValue(latency, 'min'),
      p50: percentileValue('med'),
      p90: percentileValue('p(90)'),
      p95: percentileValue('p(95)'),
      p99: percentileValue('p(99)'),
      max: metricValue(latency, 'max'),
    },
    failedRequests,
    errorRate,
    errorsByStatus: {},
    errorsByFspiopCode: {},
    droppedIterations: metricValue(merged.get('dropped_iterations'), 'count') ?? 0,
    iterations: metricValue(merged.get('iterations'), 'count') ?? 0,
    vusMax: metricValue(merged.get('vus'), 'max') ?? metricValue(merged.get('vus_max'), 'max'),
  };
}

/**
 * One summary: k6's own verdicts. Several: re-evaluated on merged values
 * where the merge is exact, else passing only if every runner passed.
 */
function summaryThresholds(
  summaries: SummaryInput[],
  merged: Map<string, MergedMetric>,
): ThresholdResult[] {
  const byKey = new Map<string, { metric: string; expression: string; oks: boolean[] }>();
  for (const summary of summaries) {
    for (const metric of summary.metrics) {
      for (const threshold of metric.thresholds) {
        const key = `${metric.name}\u0000${threshold.expression}`;
        const entry = byKey.get(key) ?? {
          metric: metric.name,
          expression: threshold.expression,
          oks: [],
        };
        entry.oks.push(threshold.ok);
        byKey.set(key, entry);
      }
    }
  }
  return [...byKey.values()].map((entry) => {
    const metric = merged.get(entry.metric);
    const parsed = parseThreshold(entry.expression);
    const key =
      parsed.aggregation === 'p'
        ? `p(${parsed.percentile})`
        : parsed.aggregation === 'count' && metric?.type === 'rate'
          ? 'passes'
          : parsed.aggregation;
    const observed = metric ? metricValue(metric, key) : null;
    const canRecompute =
      summaries.length > 1 && observed !== null && metric?.exact.has(key) === true;
    const isPercentile = PERCENTILE_KEY.test(key);
    return {
      metric: entry.metric,
      expression: entry.expression,
      ok:
        canRecompute && !isPercentile
          ? compare(observed, parsed.operator, parsed.limit)
          : entry.oks.every(Boolean),
      observed: summaries.length === 1 || canRecompute ? observed : null,
      evaluatedBy: canRecompute && !isPercentile ? ('samples' as const) : ('k6' as const),
      noSamples: metric === undefined,
    };
  });
}
