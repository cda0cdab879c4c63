import {
  addCompact,
  type CompactHistogram,
  compactHistogram,
  createHistogram,
  expandHistogram,
  type Histogram,
  mergeCompact,
  type Precision,
  recordValue,
} from './histogram.js';

/**
 * Running figures of one metric over some set of samples. `nonZero` counts
 * the samples that are not 0 (the "passes" of a rate). `max` of a gauge is
 * its largest value; `last` is the value of the latest sample. Percentiles
 * come from `histogram` or, once the stats are sealed with compactStats,
 * from `compact`; at most one of the two is set.
 */
export interface Stats {
  count: number;
  sum: number;
  min: number;
  max: number;
  nonZero: number;
  last: number;
  lastTime: number;
  histogram?: Histogram;
  compact?: CompactHistogram;
  precision?: Precision;
}

/** Checks whether the stats keep percentiles, in either form. */
export function hasHistogram(stats: Stats): boolean {
  return stats.histogram !== undefined || stats.compact !== undefined;
}

/** Replaces the histogram by its compact form, which takes far less memory. */
export function compactStats(stats: Stats): void {
  if (!stats.histogram) return;
  stats.compact = compactHistogram(stats.histogram);
  stats.histogram = undefined;
}

/** Restores a live histogram from the compact form so that samples can be added again. */
export function expandStats(stats: Stats): void {
  if (!stats.compact) return;
  stats.histogram = expandHistogram(stats.compact, stats.precision ?? 2);
  stats.compact = undefined;
}

/** Adds the stats' histogram, live or compact, into `target`. */
export function addHistogramTo(target: Histogram, stats: Stats): void {
  if (stats.histogram) target.add(stats.histogram);
  else if (stats.compact) addCompact(target, stats.compact);
}

export function createStats(precision?: Precision): Stats {
  const stats: Stats = {
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    nonZero: 0,
    last: 0,
    lastTime: Number.NEGATIVE_INFINITY,
  };
  if (precision) {
    stats.precision = precision;
    stats.histogram = createHistogram(precision);
  }
  return stats;
}

/** Adds one sample. Returns false when a histogram could not take the value (negative). */
export function addSample(stats: Stats, value: number, timeMs: number): boolean {
  stats.count++;
  stats.sum += value;
  if (value < stats.min) stats.min = value;
  if (value > stats.max) stats.max = value;
  if (value !== 0) stats.nonZero++;
  if (timeMs >= stats.lastTime) {
    stats.last = value;
    stats.lastTime = timeMs;
  }
  if (stats.histogram) {
    if (value < 0) return false;
    recordValue(stats.histogram, value);
  }
  return true;
}

/**
 * Adds `source` into `target`. With `sumGauges`, a gauge's max and last add
 * up, as VUs of parallel runners do; otherwise the larger wins.
 */
export function mergeStats(target: Stats, source: Stats, sumGauges = false): void {
  // Samples recorded without a histogram make merged percentiles unknown, not partial.
  const targetHas = hasHistogram(target);
  const sourceHas = hasHistogram(source);
  const partial =
    (target.count > 0 && !targetHas && sourceHas) || (source.count > 0 && !sourceHas && targetHas);
  target.count += source.count;
  target.sum += source.sum;
  target.nonZero += source.nonZero;
  if (sumGauges) {
    target.max = (Number.isFinite(target.max) ? target.max : 0) + source.max;
    target.last += source.last;
    target.lastTime = Math.max(target.lastTime, source.lastTime);
  } else {
    if (source.max > target.max) target.max = source.max;
    if (source.lastTime >= target.lastTime) {
      target.last = source.last;
      target.lastTime = source.lastTime;
    }
  }
  if (source.min < target.min) target.min = source.min;
  if (partial) {
    target.histogram = undefined;
    target.compact = undefined;
    return;
  }
  if (!sourceHas) return;
  target.precision = target.precision ?? source.precision ?? 3;
  if (!target.histogram && source.compact) {
    // Compact forms merge without expanding, which keeps merged runner cells small.
    target.compact = target.compact ? mergeCompact(target.compact, source.compact) : source.compact;
    return;
  }
  expandStats(target);
  target.histogram ??= createHistogram(target.precision);
  addHistogramTo(target.histogram, source);
}

export interface EncodedStats {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  nonZero: number;
  last: number;
  lastTime: number | null;
  /** Compact histogram: [value, count, ...] of the non-empty buckets. */
  histogram?: CompactHistogram;
  precision?: Precision;
}

export function encodeStats(stats: Stats): EncodedStats {
  const encoded: EncodedStats = {
    count: stats.count,
    sum: stats.sum,
    min: Number.isFinite(stats.min) ? stats.min : null,
    max: Number.isFinite(stats.max) ? stats.max : null,
    nonZero: stats.nonZero,
    last: stats.last,
    lastTime: Number.isFinite(stats.lastTime) ? stats.lastTime : null,
  };
  const compact = stats.compact ?? (stats.histogram && compactHistogram(stats.histogram));
  if (compact) {
    encoded.histogram = compact;
    encoded.precision = stats.precision ?? 3;
  }
  return encoded;
}

/** Restores encoded stats; with `keepCompact` the histogram stays in its compact form. */
export function decodeStats(encoded: EncodedStats, keepCompact = false): Stats {
  const stats: Stats = {
    count: encoded.count,
    sum: encoded.sum,
    min: encoded.min ?? Number.POSITIVE_INFINITY,
    max: encoded.max ?? Number.NEGATIVE_INFINITY,
    nonZero: encoded.nonZero,
    last: encoded.last,
    lastTime: encoded.lastTime ?? Number.NEGATIVE_INFINITY,
  };
  if (encoded.histogram) {
    stats.precision = encoded.precision ?? 3;
    if (keepCompact) stats.compact = encoded.histogram;
    else stats.histogram = expandHistogram(encoded.histogram, stats.precision);
  }
  return stats;
}
