import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  mergeInto,
  type Precision,
  recordValue,
} from './histogram.js';

/**
 * Running figures of one metric over some set of samples. `nonZero` counts
 * the samples that are not 0 (the "passes" of a rate). `max` of a gauge is
 * its largest value; `last` is the value of the latest sample.
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
  precision?: Precision;
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
  const partial =
    (target.count > 0 && !target.histogram && source.histogram !== undefined) ||
    (source.count > 0 && !source.histogram && target.histogram !== undefined);
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
  } else if (source.histogram) {
    target.precision = target.precision ?? source.precision ?? 3;
    target.histogram = mergeInto(target.histogram, source.histogram, target.precision);
  }
}

export interface EncodedStats {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  nonZero: number;
  last: number;
  lastTime: number | null;
  histogram?: number[];
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
  if (stats.histogram) {
    encoded.histogram = encodeHistogram(stats.histogram);
    encoded.precision = stats.precision ?? 3;
  }
  return encoded;
}

export function decodeStats(encoded: EncodedStats): Stats {
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
    stats.histogram = decodeHistogram(encoded.histogram, stats.precision);
  }
  return stats;
}
