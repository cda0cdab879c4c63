import {
  BUILTIN_METRIC_TYPES,
  type MetricDefinition,
  type MetricType,
  type SampleSink,
  type Tags,
} from './model.js';
import {
  addSample,
  compactStats,
  createStats,
  decodeStats,
  type EncodedStats,
  encodeStats,
  expandStats,
  mergeStats,
  type Stats,
} from './stats.js';
import { type InputWarning, WarningLog } from './warnings.js';

/** Tag values that split the per-second cells. */
export interface GroupKey {
  /** Value of the breakdown tag (`name` unless configured). */
  name: string;
  /** Scenario, or `::setup` / `::teardown` for samples outside any scenario. */
  scenario: string;
  status: string;
  /** k6's own error code tag (`error_code`). */
  errorCode: string;
  /** FSPIOP error code taken from the configured tag. */
  fspiopErrorCode: string;
  expectedResponse: string;
}

export interface AccumulatorOptions {
  /** Tag that names a flow or request; `name` by default. */
  breakdownTag: string;
  /** Tag carrying the FSPIOP error code of a failed request. */
  fspiopErrorTag: string;
  /** Trend metrics whose per-second cells keep a histogram. */
  latencyMetrics: string[];
  /** Submetrics to track beyond those Metric lines declare (for thresholds). */
  submetrics: { metric: string; tags: Tags }[];
  /**
   * Trend metrics that get whole-run percentiles besides the latency metrics
   * and those with thresholds. Recording every trend sample in a histogram
   * costs about a third of the reading time, so the others keep count, sum,
   * min and max only.
   */
  percentileMetrics: string[];
}

export const DEFAULT_ACCUMULATOR_OPTIONS: AccumulatorOptions = {
  breakdownTag: 'name',
  fspiopErrorTag: 'fspiop_error_code',
  latencyMetrics: ['http_req_duration'],
  submetrics: [],
  percentileMetrics: ['iteration_duration'],
};

interface SubmetricState {
  selector: string;
  tags: Tags;
  stats: Stats;
}

export interface MetricState {
  definition: MetricDefinition;
  total: Stats;
  submetrics: SubmetricState[];
  /** Keyed by `second * GROUP_SPAN + group`. */
  cells: Map<number, Stats>;
  cellHistograms: boolean;
  /** Second of `secondCells`. */
  cachedSecond: number;
  /** Cells of `cachedSecond` by group, which spares most lookups in `cells`. */
  secondCells: (Stats | undefined)[];
  /** Cells whose histogram is still live, with their second. */
  openCells: { second: number; cell: Stats }[];
  /** Latest second that has a sample of this metric. */
  newestSecond: number;
}

interface TagInfo {
  tags: Tags;
  group: number;
  submetrics: Map<MetricState, SubmetricState[]>;
}

/** Cell keys are second * GROUP_SPAN + group id; epoch seconds * 2^20 stays below 2^53. */
export const GROUP_SPAN = 1 << 20;

/**
 * Seconds a cell's histogram stays live behind the newest second seen. k6
 * writes samples roughly in time order, so older cells rarely get another
 * sample and are stored compactly. A late sample expands its cell again,
 * so lateness costs time, never accuracy.
 */
export const OPEN_CELL_SECONDS = 30;
const TAG_CACHE_LIMIT = 50_000;

export function submetricSelector(metric: string, tags: Tags): string {
  const parts = Object.entries(tags).map(([key, value]) => `${key}:${value}`);
  return `${metric}{${parts.join(',')}}`;
}

function scenarioOf(tags: Tags): string {
  if (tags.scenario) return tags.scenario;
  const group = tags.group ?? '';
  if (group.startsWith('::setup')) return '::setup';
  if (group.startsWith('::teardown')) return '::teardown';
  return '';
}

/**
 * Collects the samples of one or more files: whole-run figures per metric and
 * submetric, plus per-second cells split by name, scenario, status and error
 * codes. Memory grows with run length and tag cardinality, not file size.
 */
export class Accumulator implements SampleSink {
  readonly metrics = new Map<string, MetricState>();
  readonly groups: GroupKey[] = [];
  readonly warnings = new WarningLog();
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  points = 0;
  /** Samples that arrived after their cell had been stored compactly. */
  latePoints = 0;
  file = '';

  private readonly groupIndex = new Map<string, number>();
  private tagCache = new Map<string, TagInfo>();
  private lastTagsKey = '';
  private lastTagInfo: TagInfo | undefined;

  constructor(readonly options: AccumulatorOptions = DEFAULT_ACCUMULATOR_OPTIONS) {}

  defineMetric(definition: MetricDefinition): void {
    const existing = this.metrics.get(definition.name);
    if (existing) {
      if (existing.definition.type !== definition.type) {
        this.warnings.add(
          this.file,
          'unknown-metric-type',
          null,
          `metric ${definition.name} is declared as ${definition.type} after ${existing.definition.type}; the first type is kept`,
        );
      }
      this.addSubmetrics(existing, definition.submetrics);
      for (const threshold of definition.thresholds) {
        if (!existing.definition.thresholds.includes(threshold)) {
          existing.definition.thresholds.push(threshold);
        }
      }
      return;
    }
    const isTrend = definition.type === 'trend';
    const cellHistograms = isTrend && this.options.latencyMetrics.includes(definition.name);
    const wholeRunHistogram =
      isTrend &&
      (cellHistograms ||
        definition.thresholds.length > 0 ||
        this.options.percentileMetrics.includes(definition.name) ||
        this.options.submetrics.some((sub) => sub.metric === definition.name));
    const state: MetricState = {
      definition: { ...definition, thresholds: [...definition.thresholds], submetrics: [] },
      total: createStats(wholeRunHistogram ? 3 : undefined),
      submetrics: [],
      cells: new Map(),
      cellHistograms,
      cachedSecond: Number.NaN,
      secondCells: [],
      openCells: [],
      newestSecond: Number.NEGATIVE_INFINITY,
    };
    this.metrics.set(definition.name, state);
    this.addSubmetrics(state, definition.submetrics);
    const extra = this.options.submetrics.filter((sub) => sub.metric === definition.name);
    this.addSubmetrics(
      state,
      extra.map((sub) => ({ name: submetricSelector(sub.metric, sub.tags), tags: sub.tags })),
    );
  }

  addPoint(
    metric: string,
    timeMs: number,
    value: number,
    tagsKey: string,
    tags: Tags | undefined,
    line: number,
  ): void {
    const state = this.metrics.get(metric) ?? this.declareFromPoint(metric, line);
    if (!state) return;
    if (!Number.isFinite(value)) {
      this.warnings.add(
        this.file,
        'invalid-value',
        line,
        `a ${metric} sample has no numeric value`,
      );
      return;
    }
    if (!Number.isFinite(timeMs)) {
      this.warnings.add(this.file, 'invalid-time', line, `a ${metric} sample has an invalid time`);
      return;
    }
    let info = tagsKey === this.lastTagsKey ? this.lastTagInfo : undefined;
    if (!info) {
      info = this.tagCache.get(tagsKey) ?? this.parseTags(tagsKey, tags, line);
      if (!info) return;
      this.lastTagsKey = tagsKey;
      this.lastTagInfo = info;
    }

    if (!addSample(state.total, value, timeMs)) {
      this.warnings.add(
        this.file,
        'negative-trend-value',
        line,
        `a negative ${metric} value is counted in count/avg/min but left out of percentiles`,
      );
    }
    if (state.submetrics.length > 0) {
      for (const sub of this.matchingSubmetrics(info, state)) addSample(sub.stats, value, timeMs);
    }
    this.addToCell(state, info.group, timeMs, value);
    if (timeMs < this.firstMs) this.firstMs = timeMs;
    if (timeMs > this.lastMs) this.lastMs = timeMs;
    this.points++;
  }

  group(index: number): GroupKey {
    const group = this.groups[index];
    if (!group) throw new Error(`group ${index} does not exist`);
    return group;
  }

  private addToCell(state: MetricState, group: number, timeMs: number, value: number): void {
    const second = Math.floor(timeMs / 1000);
    if (second !== state.cachedSecond) {
      state.cachedSecond = second;
      state.secondCells.length = 0;
    }
    let cell = state.secondCells[group];
    if (!cell) {
      const key = second * GROUP_SPAN + group;
      cell = state.cells.get(key);
      if (!cell) {
        cell = createStats(state.cellHistograms ? 2 : undefined);
        state.cells.set(key, cell);
        if (state.cellHistograms) state.openCells.push({ second, cell });
      }
      state.secondCells[group] = cell;
    }
    if (cell.compact) {
      this.latePoints++;
      expandStats(cell);
      state.openCells.push({ second, cell });
    }
    addSample(cell, value, timeMs);
    if (second > state.newestSecond) {
      state.newestSecond = second;
      if (state.cellHistograms) sealOldCells(state, second - OPEN_CELL_SECONDS);
    }
  }

  private declareFromPoint(metric: string, line: number): MetricState | undefined {
    const builtin = BUILTIN_METRIC_TYPES[metric];
    if (!builtin) {
      this.warnings.add(
        this.file,
        'point-before-metric',
        line,
        `points of ${metric} came before its Metric line and its type is unknown; they are skipped`,
      );
      return undefined;
    }
    this.defineMetric({
      name: metric,
      type: builtin.type,
      contains: builtin.contains,
      thresholds: [],
      submetrics: [],
    });
    return this.metrics.get(metric);
  }

  private parseTags(tagsKey: string, tags: Tags | undefined, line: number): TagInfo | undefined {
    let parsed = tags;
    if (!parsed) {
      try {
        const value: unknown = tagsKey === '' || tagsKey === 'null' ? {} : JSON.parse(tagsKey);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error();
        parsed = value as Tags;
      } catch {
        this.warnings.add(
          this.file,
          'invalid-json',
          line,
          'a sample has tags that are not a JSON object',
        );
        return undefined;
      }
    }
    const info: TagInfo = {
      tags: parsed,
      group: this.groupOf(parsed),
      submetrics: new Map(),
    };
    if (this.tagCache.size >= TAG_CACHE_LIMIT) this.tagCache = new Map();
    this.tagCache.set(tagsKey, info);
    return info;
  }

  private groupOf(tags: Tags): number {
    const key: GroupKey = {
      name: String(tags[this.options.breakdownTag] ?? ''),
      scenario: scenarioOf(tags),
      status: String(tags.status ?? ''),
      errorCode: String(tags.error_code ?? ''),
      fspiopErrorCode: String(tags[this.options.fspiopErrorTag] ?? ''),
      expectedResponse: String(tags.expected_response ?? ''),
    };
    return this.internGroup(key);
  }

  internGroup(key: GroupKey): number {
    const text = [
      key.name,
      key.scenario,
      key.status,
      key.errorCode,
      key.fspiopErrorCode,
      key.expectedResponse,
    ].join('\u0000');
    let index = this.groupIndex.get(text);
    if (index === undefined) {
      index = this.groups.length;
      if (index >= GROUP_SPAN) throw new Error('more than 2^20 distinct tag groups');
      this.groups.push(key);
      this.groupIndex.set(text, index);
    }
    return index;
  }

  private matchingSubmetrics(info: TagInfo, state: MetricState): SubmetricState[] {
    let matches = info.submetrics.get(state);
    if (!matches) {
      matches = state.submetrics.filter((sub) =>
        Object.entries(sub.tags).every(([key, value]) => info.tags[key] === value),
      );
      info.submetrics.set(state, matches);
    }
    return matches;
  }

  private addSubmetrics(state: MetricState, submetrics: { name: string; tags: Tags }[]): void {
    for (const submetric of submetrics) {
      const selector = submetricSelector(state.definition.name, submetric.tags);
      if (state.submetrics.some((sub) => sub.selector === selector)) continue;
      state.submetrics.push({
        selector,
        tags: { ...submetric.tags },
        stats: createStats(state.total.histogram ? 3 : undefined),
      });
      state.definition.submetrics.push({ name: selector, tags: { ...submetric.tags } });
      // Cached matches were computed without this submetric.
      this.tagCache = new Map();
      this.lastTagInfo = undefined;
    }
  }

  /** Plain-data form for passing between worker threads. */
  encode(): EncodedAccumulator {
    return {
      file: this.file,
      firstMs: Number.isFinite(this.firstMs) ? this.firstMs : null,
      lastMs: Number.isFinite(this.lastMs) ? this.lastMs : null,
      points: this.points,
      latePoints: this.latePoints,
      groups: this.groups,
      warnings: this.warnings.list(),
      metrics: [...this.metrics.values()].map((state) => ({
        definition: state.definition,
        total: encodeStats(state.total),
        submetrics: state.submetrics.map((sub) => ({
          selector: sub.selector,
          tags: sub.tags,
          stats: encodeStats(sub.stats),
        })),
        cells: [...state.cells].map(([key, stats]) => [key, encodeStats(stats)] as const),
      })),
    };
  }

  /**
   * Adds another runner's results. Counts, sums and histograms add up; gauges
   * in the same second add up, as VUs of parallel runners do.
   */
  merge(other: EncodedAccumulator): void {
    this.warnings.merge(other.warnings);
    this.points += other.points;
    this.latePoints += other.latePoints;
    if (other.firstMs !== null && other.firstMs < this.firstMs) this.firstMs = other.firstMs;
    if (other.lastMs !== null && other.lastMs > this.lastMs) this.lastMs = other.lastMs;
    const groupMap = other.groups.map((group) => this.internGroup(group));

    for (const metric of other.metrics) {
      if (!this.metrics.has(metric.definition.name)) {
        this.defineMetric({ ...metric.definition, submetrics: [] });
      }
      const state = this.metrics.get(metric.definition.name);
      if (!state) continue;
      this.addSubmetrics(state, metric.definition.submetrics);
      for (const threshold of metric.definition.thresholds) {
        if (!state.definition.thresholds.includes(threshold)) {
          state.definition.thresholds.push(threshold);
        }
      }
      mergeStats(state.total, decodeStats(metric.total));
      for (const sub of metric.submetrics) {
        const target = state.submetrics.find((candidate) => candidate.selector === sub.selector);
        if (target) mergeStats(target.stats, decodeStats(sub.stats));
      }
      const isGauge = state.definition.type === 'gauge';
      for (const [key, encoded] of metric.cells) {
        const second = Math.floor(key / GROUP_SPAN);
        const group = groupMap[key - second * GROUP_SPAN] ?? 0;
        const targetKey = second * GROUP_SPAN + group;
        const cell = state.cells.get(targetKey);
        const decoded = decodeStats(encoded, true);
        if (cell) mergeStats(cell, decoded, isGauge);
        else state.cells.set(targetKey, decoded);
      }
    }
  }
}

/** Stores the histograms of cells older than `before` (a second) compactly. */
function sealOldCells(state: MetricState, before: number): void {
  const open = state.openCells;
  if (open.length === 0 || (open[0] as { second: number }).second >= before) return;
  let kept = 0;
  for (const entry of open) {
    if (entry.second < before) compactStats(entry.cell);
    else open[kept++] = entry;
  }
  open.length = kept;
}

export interface EncodedAccumulator {
  file: string;
  firstMs: number | null;
  lastMs: number | null;
  points: number;
  latePoints: number;
  groups: GroupKey[];
  warnings: InputWarning[];
  metrics: {
    definition: MetricDefinition;
    total: EncodedStats;
    submetrics: { selector: string; tags: Tags; stats: EncodedStats }[];
    cells: (readonly [number, EncodedStats])[];
  }[];
}

export type { MetricType };
