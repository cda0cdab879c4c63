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
 * Encodes the non-empty buckets as [value, count, value, count, ...]. A
 * per-second histogram has a few hundred buckets at most, so this is much
 * cheaper than the library's compressed format when workers hand back
 * thousands of them. Decoding with the same precision restores every count.
 */
export function encodeHistogram(histogram: Histogram): number[] {
  const access = histogram as unknown as CountsAccess;
  const pairs: number[] = [];
  for (let index = 0; index < access.countsArrayLength; index++) {
    const count = access.getCountAtIndex(index);
    if (count > 0) pairs.push(access.valueFromIndex(index), count);
  }
  return pairs;
}

export function decodeHistogram(pairs: number[], precision: Precision): Histogram {
  const histogram = createHistogram(precision);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    histogram.recordValueWithCount(pairs[i] as number, pairs[i + 1] as number);
  }
  return histogram;
}

/** Adds `source` into `target`, creating the target when missing. */
export function mergeInto(
  target: Histogram | undefined,
  source: Histogram,
  precision: Precision,
): Histogram {
  const result = target ?? createHistogram(precision);
  result.add(source);
  return result;
}
