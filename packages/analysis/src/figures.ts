import { type Accumulator, GROUP_SPAN, type GroupKey, type MetricState } from './accumulator.js';
import { createHistogram, type Histogram, percentile } from './histogram.js';
import type { Figures, Series } from './schema.js';
import { addHistogramTo, hasHistogram } from './stats.js';

/** Source of the completed-transfer count; see resolveTpsSource. */
export interface TpsSource {
  metric: string;
  scenario: string | null;
  rule: string;
}

export interface FigureContext {
  accumulator: Accumulator;
  tps: TpsSource;
  latencyMetric: string;
  failedTransfersMetric: string;
}

export type GroupFilter = (group: GroupKey) => boolean;

export const ALL_GROUPS: GroupFilter = () => true;

function isErrorStatus(group: GroupKey): boolean {
  if (group.expectedResponse === 'false') return true;
  if (group.expectedResponse === 'true') return false;
  const status = Number(group.status);
  return group.status !== '' && (status === 0 || status >= 400);
}

/** Calls `visit` for each cell of the metric inside [from, to) seconds that passes the filter. */
function forEachCell(
  context: FigureContext,
  state: MetricState | undefined,
  from: number,
  to: number,
  filter: GroupFilter,
  visit: (second: number, group: GroupKey, cell: MetricState['total']) => void,
): void {
  if (!state) return;
  for (const [key, cell] of state.cells) {
    const second = Math.floor(key / GROUP_SPAN);
    if (second < from || second >= to) continue;
    const group = context.accumulator.group(key - second * GROUP_SPAN);
    if (filter(group)) visit(second, group, cell);
  }
}

function add(record: Record<string, number>, key: string, amount: number): void {
  record[key] = (record[key] ?? 0) + amount;
}

/** Headline figures over whole seconds [from, to) for the groups the filter keeps. */
export function computeFigures(
  context: FigureContext,
  from: number,
  to: number,
  filter: GroupFilter,
): Figures {
  const metrics = context.accumulator.metrics;
  const durationSeconds = Math.max(0, to - from);
  let requests = 0;
  const errorsByStatus: Record<string, number> = {};
  const errorsByFspiopCode: Record<string, number> = {};
  forEachCell(context, metrics.get('http_reqs'), from, to, filter, (_, group, cell) => {
    requests += cell.sum;
    if (isErrorStatus(group)) add(errorsByStatus, group.status || 'unknown', cell.sum);
    if (group.fspiopErrorCode) add(errorsByFspiopCode, group.fspiopErrorCode, cell.sum);
  });

  const failedMetric = metrics.get('http_req_failed');
  let failedRequests = 0;
  if (failedMetric) {
    forEachCell(context, failedMetric, from, to, filter, (_, __, cell) => {
      failedRequests += cell.nonZero;
    });
  } else {
    failedRequests = Object.values(errorsByStatus).reduce((sum, count) => sum + count, 0);
  }

  let transfers = 0;
  const tpsScenario = context.tps.scenario;
  forEachCell(context, metrics.get(context.tps.metric), from, to, filter, (_, group, cell) => {
    if (tpsScenario === null || group.scenario === tpsScenario) transfers += cell.sum;
  });

  const failedTransfersMetric = metrics.get(context.failedTransfersMetric);
  let errorRate: number | null;
  if (failedTransfersMetric) {
    let failedTransfers = 0;
    forEachCell(context, failedTransfersMetric, from, to, filter, (_, __, cell) => {
      failedTransfers += cell.sum;
    });
    const attempted = transfers + failedTransfers;
    errorRate = attempted > 0 ? failedTransfers / attempted : null;
  } else {
    errorRate = requests > 0 ? failedRequests / requests : null;
  }

  let droppedIterations = 0;
  forEachCell(context, metrics.get('dropped_iterations'), from, to, filter, (_, __, cell) => {
    droppedIterations += cell.sum;
  });
  let iterations = 0;
  forEachCell(context, metrics.get('iterations'), from, to, filter, (_, __, cell) => {
    iterations += cell.sum;
  });

  const vusBySecond = new Map<number, number>();
  forEachCell(context, metrics.get('vus'), from, to, filter, (second, _, cell) => {
    vusBySecond.set(second, (vusBySecond.get(second) ?? 0) + cell.max);
  });
  const vusMax = vusBySecond.size > 0 ? Math.max(...vusBySecond.values()) : null;

  return {
    durationSeconds,
    requests,
    requestsPerSecond: durationSeconds > 0 ? requests / durationSeconds : null,
    transfers,
    tps: durationSeconds > 0 ? transfers / durationSeconds : null,
    latency: computeLatency(context, from, to, filter),
    failedRequests,
    errorRate,
    errorsByStatus,
    errorsByFspiopCode,
    droppedIterations,
    iterations,
    vusMax,
  };
}

function computeLatency(
  context: FigureContext,
  from: number,
  to: number,
  filter: GroupFilter,
): Figures['latency'] {
  const state = context.accumulator.metrics.get(context.latencyMetric);
  let histogram: Histogram | undefined;
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  forEachCell(context, state, from, to, filter, (_, __, cell) => {
    count += cell.count;
    sum += cell.sum;
    if (cell.min < min) min = cell.min;
    if (cell.max > max) max = cell.max;
    if (hasHistogram(cell)) {
      histogram ??= createHistogram(2);
      addHistogramTo(histogram, cell);
    }
  });
  const empty = count === 0;
  return {
    metric: context.latencyMetric,
    count,
    avg: empty ? null : sum / count,
    min: empty ? null : min,
    p50: percentile(histogram, 50),
    p90: percentile(histogram, 90),
    p95: percentile(histogram, 95),
    p99: percentile(histogram, 99),
    max: empty ? null : max,
  };
}

/** Per-second series over [from, to) for the groups the filter keeps. */
export function computeSeries(
  context: FigureContext,
  from: number,
  to: number,
  filter: GroupFilter,
): Series {
  const length = Math.max(0, to - from);
  const zeros = () => new Array<number>(length).fill(0);
  const metrics = context.accumulator.metrics;
  const series: Series = {
    offsets: Array.from({ length }, (_, i) => i),
    requests: zeros(),
    transfers: zeros(),
    p50: new Array(length).fill(null),
    p90: new Array(length).fill(null),
    p95: new Array(length).fill(null),
    p99: new Array(length).fill(null),
    max: new Array(length).fill(null),
    errors: zeros(),
    errorsByStatus: {},
    errorsByFspiopCode: {},
    vus: new Array(length).fill(null),
    droppedIterations: zeros(),
  };
  const bump = (values: number[], second: number, amount: number) => {
    values[second - from] = (values[second - from] ?? 0) + amount;
  };

  forEachCell(context, metrics.get('http_reqs'), from, to, filter, (second, group, cell) => {
    bump(series.requests, second, cell.sum);
    if (isErrorStatus(group)) {
      const status = group.status || 'unknown';
      series.errorsByStatus[status] ??= zeros();
      bump(series.errorsByStatus[status], second, cell.sum);
      bump(series.errors, second, cell.sum);
    }
    if (group.fspiopErrorCode) {
      series.errorsByFspiopCode[group.fspiopErrorCode] ??= zeros();
      bump(series.errorsByFspiopCode[group.fspiopErrorCode] as number[], second, cell.sum);
    }
  });
  const tpsScenario = context.tps.scenario;
  forEachCell(context, metrics.get(context.tps.metric), from, to, filter, (second, group, cell) => {
    if (tpsScenario === null || group.scenario === tpsScenario) {
      bump(series.transfers, second, cell.sum);
    }
  });
  forEachCell(context, metrics.get('dropped_iterations'), from, to, filter, (second, _, cell) => {
    bump(series.droppedIterations, second, cell.sum);
  });
  forEachCell(context, metrics.get('vus'), from, to, filter, (second, _, cell) => {
    series.vus[second - from] = (series.vus[second - from] ?? 0) + cell.max;
  });

  const perSecond = new Map<number, { histogram: Histogram; max: number }>();
  const latency = metrics.get(context.latencyMetric);
  forEachCell(context, latency, from, to, filter, (second, _, cell) => {
    if (!hasHistogram(cell)) return;
    let entry = perSecond.get(second);
    if (!entry) {
      entry = { histogram: createHistogram(2), max: Number.NEGATIVE_INFINITY };
      perSecond.set(second, entry);
    }
    addHistogramTo(entry.histogram, cell);
    if (cell.max > entry.max) entry.max = cell.max;
  });
  for (const [second, entry] of perSecond) {
    const index = second - from;
    series.p50[index] = percentile(entry.histogram, 50);
    series.p90[index] = percentile(entry.histogram, 90);
    series.p95[index] = percentile(entry.histogram, 95);
    series.p99[index] = percentile(entry.histogram, 99);
    series.max[index] = entry.max;
  }
  return series;
}
