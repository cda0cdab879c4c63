import { readFile } from 'node:fs/promises';
import { PerfplaneError } from '@perfplane/core';
import { Accumulator, type AccumulatorOptions } from './accumulator.js';
import { compareWithBaseline } from './baseline.js';
import {
  ALL_GROUPS,
  computeFigures,
  computeSeries,
  type FigureContext,
  type TpsSource,
} from './figures.js';
import { percentile } from './histogram.js';
import type { Tags } from './model.js';
import { readSampleFiles } from './parallel.js';
import { detectFormat, type InputFormat, readSummaryFile } from './readers/index.js';
import type { GunzipMode } from './readers/source.js';
import type { SummaryInput } from './readers/summary.js';
import {
  type AnalysisResult,
  analysisResultSchema,
  type Figures,
  type MetricSummary,
  type ThresholdResult,
} from './schema.js';
import { analyseSummaries } from './summary-analysis.js';
import { aggregate, compare, parseMetricSelector, parseThreshold } from './thresholds.js';
import { assessValidity, type ValidityOptions } from './validity.js';
import { WarningLog } from './warnings.js';
import { resolveWindow, type WindowOptions } from './window.js';

export interface Target {
  tps: number;
  p95Ms: number;
  maxErrorRate: number;
}

export interface AnalyseOptions extends ValidityOptions {
  files: string[];
  /** An environment (only `target` is read) or a bare target. */
  environment?: { target?: Target } | undefined;
  /** A previous result, or the path of its JSON. */
  baseline?: AnalysisResult | string | undefined;
  window?: WindowOptions;
  /** Thresholds to evaluate besides those in Metric lines, keyed by metric selector. */
  thresholds?: Record<string, string[]>;
  /** Counter of completed transfers; see resolveTpsSource for the default rule. */
  tpsMetric?: string;
  /** Scenario whose iterations count as transfers when no transfer counter exists. */
  transferScenario?: string;
  /** Counter of failed transfers; when present the error rate is per transfer. */
  failedTransfersMetric?: string;
  latencyMetric?: string;
  breakdownTag?: string;
  fspiopErrorTag?: string;
  /** Relative change (percent) beyond which a worse figure is a regression. Default 5. */
  regressionTolerancePercent?: number;
  /** Read several sample files on worker threads. Default true. */
  parallel?: boolean;
  gunzip?: GunzipMode;
}

export const DEFAULT_TPS_METRIC = 'transfers_completed';
export const DEFAULT_FAILED_TRANSFERS_METRIC = 'transfers_failed';
export const DEFAULT_TRANSFER_SCENARIOS = ['transfer', 'transfers'];
const BREAKDOWN_SERIES_LIMIT = 20;
/** Maximum span of one run. Files further apart are not runners of one run. */
const MAX_RUN_SECONDS = 48 * 3600;

type SampleFormat = 'ndjson' | 'csv';

/**
 * Analyses k6 outputs of one run, from one or several parallel runners, and
 * returns the result the reports render.
 */
export async function analyse(options: AnalyseOptions): Promise<AnalysisResult> {
  if (options.files.length === 0) {
    throw new PerfplaneError('InvalidArgument', 'no k6 result files given; pass at least one path');
  }
  const classified = await classifyFiles(options.files);
  const baseline = await loadBaseline(options.baseline);
  const result =
    classified.samples.length > 0
      ? await analyseSamples(options, classified)
      : analyseSummaries(options, classified.summaries, classified.empty);
  if (baseline) {
    result.baseline = compareWithBaseline(result, baseline, options.regressionTolerancePercent);
  }
  return analysisResultSchema.parse(result);
}

interface Classified {
  samples: { path: string; format: SampleFormat }[];
  summaries: SummaryInput[];
  empty: string[];
}

async function classifyFiles(files: string[]): Promise<Classified> {
  const classified: Classified = { samples: [], summaries: [], empty: [] };
  for (const path of files) {
    const format = await detectFormat(path);
    if (format === 'empty') classified.empty.push(path);
    else if (format === 'summary') classified.summaries.push(await readSummaryFile(path));
    else classified.samples.push({ path, format });
  }
  return classified;
}

async function loadBaseline(
  baseline: AnalysisResult | string | undefined,
): Promise<AnalysisResult | undefined> {
  if (baseline === undefined) return undefined;
  if (typeof baseline !== 'string') return baseline;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(baseline, 'utf8'));
  } catch (error) {
    throw new PerfplaneError(
      'InvalidArgument',
      `baseline ${baseline} is not readable JSON: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const checked = analysisResultSchema.safeParse(parsed);
  if (!checked.success) {
    throw new PerfplaneError(
      'InvalidArgument',
      `baseline ${baseline} is not an analysis result.json (schemaVersion 1): ${checked.error.issues[0]?.message ?? ''}`,
    );
  }
  return checked.data;
}

function accumulatorOptions(options: AnalyseOptions): AccumulatorOptions {
  const submetrics: { metric: string; tags: Tags }[] = [];
  for (const selector of Object.keys(options.thresholds ?? {})) {
    const { metric, tags } = parseMetricSelector(selector);
    if (Object.keys(tags).length > 0) submetrics.push({ metric, tags });
  }
  const latencyMetric = options.latencyMetric ?? 'http_req_duration';
  return {
    breakdownTag: options.breakdownTag ?? 'name',
    fspiopErrorTag: options.fspiopErrorTag ?? 'fspiop_error_code',
    latencyMetrics: [latencyMetric],
    submetrics,
    percentileMetrics: [
      'iteration_duration',
      ...Object.keys(options.thresholds ?? {}).map(
        (selector) => parseMetricSelector(selector).metric,
      ),
    ],
  };
}

/**
 * Picks the completed-transfers metric: the configured one; else a counter
 * named transfers_completed; else iterations of a scenario named transfer or
 * transfers; else all iterations.
 */
export function resolveTpsSource(accumulator: Accumulator, options: AnalyseOptions): TpsSource {
  if (options.tpsMetric) {
    return {
      metric: options.tpsMetric,
      scenario: null,
      rule: `configured metric ${options.tpsMetric}`,
    };
  }
  if (accumulator.metrics.has(DEFAULT_TPS_METRIC)) {
    return {
      metric: DEFAULT_TPS_METRIC,
      scenario: null,
      rule: `counter ${DEFAULT_TPS_METRIC} found in the results`,
    };
  }
  const wanted = options.transferScenario ? [options.transferScenario] : DEFAULT_TRANSFER_SCENARIOS;
  const scenarios = new Set(accumulator.groups.map((group) => group.scenario));
  const scenario = wanted.find((name) => scenarios.has(name));
  if (scenario) {
    return { metric: 'iterations', scenario, rule: `iterations of scenario ${scenario}` };
  }
  return {
    metric: 'iterations',
    scenario: null,
    rule: `iterations of all scenarios (no ${DEFAULT_TPS_METRIC} counter and no ${wanted.join('/')} scenario)`,
  };
}

async function analyseSamples(
  options: AnalyseOptions,
  classified: Classified,
): Promise<AnalysisResult> {
  const accOptions = accumulatorOptions(options);
  let mergeTarget: Accumulator | undefined;
  const outcomes = await readSampleFiles(
    classified.samples,
    accOptions,
    { parallel: options.parallel ?? true, gunzip: options.gunzip },
    (result) => {
      if (!mergeTarget && result instanceof Accumulator) {
        // The first file read on this thread becomes the merge target, which
        // spares a copy of all its cells.
        mergeTarget = result;
        mergeTarget.file = '';
        return;
      }
      mergeTarget ??= new Accumulator(accOptions);
      mergeTarget.merge(result instanceof Accumulator ? result.encode() : result);
    },
  );
  const accumulator = mergeTarget ?? new Accumulator(accOptions);
  const warnings = new WarningLog();
  warnings.merge(accumulator.warnings.list());
  for (const path of classified.empty) warnings.add(path, 'empty-file', null, 'the file is empty');
  for (const summary of classified.summaries) {
    warnings.add(
      summary.file,
      'no-samples',
      null,
      'summary files are listed but figures come from the sample files',
    );
  }

  if (accumulator.points === 0) {
    throw new PerfplaneError(
      'InvalidArgument',
      `no k6 samples in ${classified.samples.map((sample) => sample.path).join(', ')}; check the files are k6 --out json or csv output`,
      { details: { warnings: warnings.list() } },
    );
  }

  const runFrom = Math.floor(accumulator.firstMs / 1000);
  const runTo = Math.floor(accumulator.lastMs / 1000) + 1;
  if (runTo - runFrom > MAX_RUN_SECONDS) {
    throw new PerfplaneError(
      'InvalidArgument',
      `the samples span ${new Date(accumulator.firstMs).toISOString()} to ${new Date(accumulator.lastMs).toISOString()}, more than ${MAX_RUN_SECONDS / 3600} h; pass the files of one run only`,
    );
  }
  const window = resolveWindow(runFrom, runTo, options.window);
  const tps = resolveTpsSource(accumulator, options);
  const context: FigureContext = {
    accumulator,
    tps,
    latencyMetric: accOptions.latencyMetrics[0] ?? 'http_req_duration',
    failedTransfersMetric: options.failedTransfersMetric ?? DEFAULT_FAILED_TRANSFERS_METRIC,
  };
  const runFigures = computeFigures(context, runFrom, runTo, ALL_GROUPS);
  const windowFigures = computeFigures(context, window.from, window.to, ALL_GROUPS);
  const durationSeconds = (accumulator.lastMs - accumulator.firstMs) / 1000;
  const validity = await assessValidity(
    runFigures.droppedIterations,
    runFigures.iterations,
    options,
  );
  const target = options.environment?.target ?? null;

  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    source: 'samples',
    inputs: [
      ...outcomes.map((outcome) => ({
        file: outcome.path,
        format: outcome.format as InputFormat,
        lines: outcome.lines,
        bytes: outcome.bytes,
      })),
      ...classified.summaries.map((summary) => ({
        file: summary.file,
        format: summary.format as InputFormat,
        lines: null,
        bytes: null,
      })),
    ],
    run: {
      startTime: new Date(accumulator.firstMs).toISOString(),
      endTime: new Date(accumulator.lastMs).toISOString(),
      durationSeconds,
    },
    window: {
      startTime: new Date(window.from * 1000).toISOString(),
      endTime: new Date(window.to * 1000).toISOString(),
      durationSeconds: window.to - window.from,
      rule: window.rule,
    },
    tpsSource: tps,
    figures: { run: runFigures, window: windowFigures },
    exactness: sampleExactness(outcomes.length),
    series: computeSeries(context, runFrom, runTo, ALL_GROUPS),
    seriesStart: new Date(runFrom * 1000).toISOString(),
    byName: breakdown(context, 'name', runFrom, runTo, window),
    byScenario: breakdown(context, 'scenario', runFrom, runTo, window),
    breakdownTag: accOptions.breakdownTag,
    metrics: metricSummaries(accumulator, durationSeconds),
    thresholds: evaluateThresholds(accumulator, options.thresholds ?? {}, durationSeconds),
    verdict: verdict(target, windowFigures),
    validity,
    baseline: null,
    warnings: warnings.list(),
  };
}

function sampleExactness(files: number): AnalysisResult['exactness'] {
  const merged = files > 1 ? ` after merging ${files} runners' histograms` : '';
  const hdr = {
    exact: false,
    note: `from HDR histograms with 2 significant digits (within 1%)${merged}`,
  };
  const exact = { exact: true, note: 'counted from every sample' };
  return {
    tps: exact,
    requests: exact,
    errorRate: exact,
    latencyAvg: exact,
    latencyMax: exact,
    latencyP50: hdr,
    latencyP90: hdr,
    latencyP95: hdr,
    latencyP99: hdr,
  };
}

function breakdown(
  context: FigureContext,
  dimension: 'name' | 'scenario',
  runFrom: number,
  runTo: number,
  window: { from: number; to: number },
): AnalysisResult['byName'] {
  const keys = new Set(context.accumulator.groups.map((group) => group[dimension]));
  const entries = [...keys].map((key) => {
    const filter = (group: { name: string; scenario: string }) => group[dimension] === key;
    return {
      key,
      run: computeFigures(context, runFrom, runTo, filter),
      window: computeFigures(context, window.from, window.to, filter),
      filter,
    };
  });
  const relevant = entries.filter(
    (entry) => entry.run.requests > 0 || entry.run.transfers > 0 || entry.run.latency.count > 0,
  );
  relevant.sort((a, b) => b.run.requests - a.run.requests || a.key.localeCompare(b.key));
  return relevant.map((entry, index) => ({
    key: entry.key,
    run: entry.run,
    window: entry.window,
    series:
      index < BREAKDOWN_SERIES_LIMIT ? computeSeries(context, runFrom, runTo, entry.filter) : null,
  }));
}

function metricSummaries(accumulator: Accumulator, durationSeconds: number): MetricSummary[] {
  const summaries: MetricSummary[] = [];
  for (const [name, state] of accumulator.metrics) {
    const stats = state.total;
    const values: Record<string, number> = {};
    const empty = stats.count === 0;
    switch (state.definition.type) {
      case 'counter':
        values.count = stats.sum;
        if (durationSeconds > 0) values.rate = stats.sum / durationSeconds;
        break;
      case 'rate':
        values.rate = empty ? 0 : stats.nonZero / stats.count;
        values.passes = stats.nonZero;
        values.fails = stats.count - stats.nonZero;
        break;
      case 'gauge':
        if (!empty) Object.assign(values, { value: stats.last, min: stats.min, max: stats.max });
        break;
      case 'trend':
        if (!empty) {
          values.avg = stats.sum / stats.count;
          values.min = stats.min;
          values.max = stats.max;
          for (const [label, p] of [
            ['med', 50],
            ['p(90)', 90],
            ['p(95)', 95],
            ['p(99)', 99],
          ] as const) {
            const value = percentile(stats.histogram, p);
            if (value !== null) values[label] = value;
          }
        }
        break;
    }
    summaries.push({
      name,
      type: state.definition.type,
      count: stats.count,
      values,
      exact: state.definition.type !== 'trend',
    });
  }
  return summaries.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Evaluates thresholds over the whole run, as k6 does at the end of a test:
 * those declared in Metric lines plus the extra ones given.
 */
function evaluateThresholds(
  accumulator: Accumulator,
  extra: Record<string, string[]>,
  durationSeconds: number,
): ThresholdResult[] {
  const wanted = new Map<string, Set<string>>();
  const addWanted = (selector: string, expressions: string[]) => {
    const set = wanted.get(selector) ?? new Set<string>();
    for (const expression of expressions) set.add(expression);
    wanted.set(selector, set);
  };
  for (const state of accumulator.metrics.values()) {
    if (state.definition.thresholds.length > 0) {
      addWanted(state.definition.name, state.definition.thresholds);
    }
  }
  for (const [selector, expressions] of Object.entries(extra)) addWanted(selector, expressions);

  const results: ThresholdResult[] = [];
  for (const [selector, expressions] of wanted) {
    const { metric, tags } = parseMetricSelector(selector);
    const state = accumulator.metrics.get(metric);
    const hasTags = Object.keys(tags).length > 0;
    const sub = hasTags
      ? state?.submetrics.find(
          (candidate) =>
            Object.keys(tags).length === Object.keys(candidate.tags).length &&
            Object.entries(tags).every(([key, value]) => candidate.tags[key] === value),
        )
      : undefined;
    const stats = hasTags ? sub?.stats : state?.total;
    for (const source of expressions) {
      const threshold = parseThreshold(source);
      if (!state || !stats) {
        results.push({
          metric: selector,
          expression: source,
          ok: false,
          observed: null,
          evaluatedBy: 'samples',
          noSamples: true,
        });
        continue;
      }
      const observed = aggregate(threshold, state.definition.type, stats, durationSeconds);
      if (observed === undefined) {
        throw new PerfplaneError(
          'InvalidArgument',
          `threshold "${source}" on ${selector} uses an aggregation a ${state.definition.type} metric does not have`,
        );
      }
      const known = !Number.isNaN(observed);
      results.push({
        metric: selector,
        expression: source,
        ok: known && compare(observed, threshold.operator, threshold.limit),
        observed: known ? observed : null,
        evaluatedBy: 'samples',
        noSamples: stats.count === 0,
      });
    }
  }
  return results;
}

/** Checks the steady-state figures against the environment's target. */
export function verdict(target: Target | null, figures: Figures): AnalysisResult['verdict'] {
  if (!target) return { target: null, checks: [], pass: null };
  const checks = [
    {
      name: 'sustained TPS',
      target: target.tps,
      observed: figures.tps,
      ok: figures.tps !== null && figures.tps >= target.tps,
    },
    {
      name: `p95 ${figures.latency.metric} (ms)`,
      target: target.p95Ms,
      observed: figures.latency.p95,
      ok: figures.latency.p95 !== null && figures.latency.p95 <= target.p95Ms,
    },
    {
      name: 'error rate',
      target: target.maxErrorRate,
      observed: figures.errorRate,
      ok: figures.errorRate !== null && figures.errorRate <= target.maxErrorRate,
    },
  ];
  return { target, checks, pass: checks.every((check) => check.ok) };
}
