import * as hdr from 'hdr-histogram-js';

/**
 * Trend values go into HDR histograms as integer thousandths of the value's
 * unit (microseconds for k6 times, which are in ms). hdr-histogram-js runs in
 * its pure JavaScript mode with 32-bit counts: its WebAssembly mode needs an
 * explicit async init and 'packed' storage records about 5x slower.
 */
export const VALUE_SCALE = 1000;

/** Relative precision: 3 digits (0.1%) for whole-run figures, 2 digits (1%) per second. */
export type Precision = 2 | 3;

export type Histogram = hdr.Histogram;

export function createHistogram(precision: Precision): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    numberOfSignificantValueDigits: precision,
    autoResize: true,
    useWebAssembly: false,
  });
}

export function recordValue(histogram: Histogram, value: number): void {
  histogram.recordValue(Math.round(value * VALUE_SCALE));
}

/** Percentile (0-100) of the histogram in the metric's unit, or null when empty. */
export function percentile(histogram: Histogram | undefined, p: number): number | null {
  if (!histogram || histogram.totalCount === 0) return null;
  return histogram.getValueAtPercentile(p) / VALUE_SCALE;
}

/** The JsHistogram internals the encoding walks; public on the class, absent from the interface. */
interface CountsAccess {
  countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
}

/**
 * Non-empty buckets as [value, count, value, count, ...] in ascending value
 * order, where value is the lowest value of the bucket. A per-second
 * histogram has a few hundred buckets at most, so this takes far less memory
 * than the histogram's dense counts array (a few KiB per second) and is much
 * cheaper than the library's compressed format. Adding it to a histogram of
 * the same precision restores every count exactly.
 */
export type CompactHistogram = Float64Array;

export function compactHistogram(histogram: Histogram): CompactHistogram {
  const access = histogram as unknown as CountsAccess;
  const pairs: number[] = [];
  for (let index = 0; index < access.countsArrayLength; index++) {
    const count = access.getCountAtIndex(index);
    if (count > 0) pairs.push(access.valueFromIndex(index), count);
  }
  return Float64Array.from(pairs);
}

/** Adds the counts of a compact histogram into `target`. */
export function addCompact(target: Histogram, compact: CompactHistogram): void {
  for (let i = 0; i + 1 < compact.length; i += 2) {
    target.recordValueWithCount(compact[i] as number, compact[i + 1] as number);
  }
}

export function expandHistogram(compact: CompactHistogram, precision: Precision): Histogram {
  const histogram = createHistogram(precision);
  addCompact(histogram, compact);
  return histogram;
}

/** Sums two compact histograms of the same precision with a merge of their sorted buckets. */
export function mergeCompact(a: CompactHistogram, b: CompactHistogram): CompactHistogram {
  const result = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const valueA = i < a.length ? (a[i] as number) : Number.POSITIVE_INFINITY;
    const valueB = j < b.length ? (b[j] as number) : Number.POSITIVE_INFINITY;
    if (valueA === valueB) {
      result[k] = valueA;
      result[k + 1] = (a[i + 1] as number) + (b[j + 1] as number);
      i += 2;
      j += 2;
    } else if (valueA < valueB) {
      result[k] = valueA;
      result[k + 1] = a[i + 1] as number;
      i += 2;
    } else {
      result[k] = valueB;
      result[k + 1] = b[j + 1] as number;
      j += 2;
    }
    k += 2;
  }
  return result.slice(0, k);
}
