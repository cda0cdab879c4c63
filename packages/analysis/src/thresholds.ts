import { PerfplaneError } from '@perfplane/core';
import { percentile } from './histogram.js';
import type { MetricType, Tags } from './model.js';
import type { Stats } from './stats.js';

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ParsedThreshold {
  source: string;
  aggregation: string;
  /** Percentile for `p(N)`, otherwise null. */
  percentile: number | null;
  operator: ThresholdOperator;
  limit: number;
}

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/** Parses a k6 threshold expression such as `p(95)<500` or `rate<0.01`. */
export function parseThreshold(source: string): ParsedThreshold {
  const match = EXPRESSION.exec(source);
  if (!match) {
    throw new PerfplaneError(
      'InvalidArgument',
      `threshold "${source}" is not a k6 expression; write <aggregation><operator><number>, e.g. p(95)<500 or rate<0.01`,
    );
  }
  const [, aggregation = '', percentileText, operator = '<', limit = '0'] = match;
  return {
    source,
    aggregation: percentileText ? 'p' : aggregation.toLowerCase(),
    percentile: percentileText ? Number(percentileText) : null,
    operator: operator as ThresholdOperator,
    limit: Number(limit),
  };
}

/** Splits `http_req_duration{name:quote,status:200}` into the metric and its tag filter. */
export function parseMetricSelector(selector: string): { metric: string; tags: Tags } {
  const brace = selector.indexOf('{');
  if (brace < 0) return { metric: selector.trim(), tags: {} };
  if (!selector.trimEnd().endsWith('}')) {
    throw new PerfplaneError(
      'InvalidArgument',
      `metric selector "${selector}" has no closing brace; write metric{tag:value}`,
    );
  }
  const tags: Tags = {};
  const body = selector.slice(brace + 1, selector.trimEnd().length - 1);
  for (const part of body.split(',')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon <= 0) {
      throw new PerfplaneError(
        'InvalidArgument',
        `metric selector "${selector}" has a tag filter without a colon: "${part.trim()}"`,
      );
    }
    const key = part.slice(0, colon).trim();
    const value = part
      .slice(colon + 1)
      .trim()
      .replace(/^["'](.*)["']$/, '$1');
    tags[key] = value;
  }
  return { metric: selector.slice(0, brace).trim(), tags };
}

/** Aggregations k6 allows per metric type. */
const ALLOWED: Record<MetricType, string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'p', 'count'],
};

/**
 * Value of the aggregation over the stats, as k6 computes it: a metric
 * without samples gives 0. Counter `rate` is per second of `durationSeconds`.
 * Returns undefined when the aggregation does not apply to the metric type.
 */
export function aggregate(
  threshold: ParsedThreshold,
  type: MetricType,
  stats: Stats,
  durationSeconds: number,
): number | undefined {
  if (!ALLOWED[type].includes(threshold.aggregation)) return undefined;
  const empty = stats.count === 0;
  switch (threshold.aggregation) {
    case 'count':
      return type === 'counter' ? stats.sum : stats.count;
    case 'rate':
      if (type === 'rate') return empty ? 0 : stats.nonZero / stats.count;
      return durationSeconds > 0 ? stats.sum / durationSeconds : 0;
    case 'value':
      return empty ? 0 : stats.last;
    case 'min':
      return empty ? 0 : stats.min;
    case 'max':
      return empty ? 0 : stats.max;
    case 'avg':
      return empty ? 0 : stats.sum / stats.count;
    case 'med':
    case 'p': {
      if (empty) return 0;
      // NaN marks samples recorded without a histogram: the percentile is unknown.
      const p = threshold.aggregation === 'med' ? 50 : (threshold.percentile ?? 0);
      return percentile(stats.histogram, p) ?? Number.NaN;
    }
    default:
      return undefined;
  }
}

export function compare(observed: number, operator: ThresholdOperator, limit: number): boolean {
  switch (operator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
    case '===':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}
