/** Shapes shared by the readers and the accumulator. */

export const METRIC_TYPES = ['counter', 'gauge', 'rate', 'trend'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export type Tags = Record<string, string>;

/** A metric as a k6 `Metric` line declares it. */
export interface MetricDefinition {
  name: string;
  type: MetricType;
  contains: string;
  thresholds: string[];
  submetrics: { name: string; tags: Tags }[];
}

/**
 * Receiver of the samples a reader finds. `tagsKey` is any string that is
 * equal for equal tag sets within one file (the raw JSON text of the tags, or
 * the CSV tag columns), so the receiver can cache per tag set; `tags` is
 * undefined when the receiver must parse `tagsKey` as JSON itself.
 */
export interface SampleSink {
  defineMetric(definition: MetricDefinition): void;
  addPoint(
    metric: string,
    timeMs: number,
    value: number,
    tagsKey: string,
    tags: Tags | undefined,
    line: number,
  ): void;
}

/** Types of the metrics k6 itself emits, used when a point comes before its Metric line. */
export const BUILTIN_METRIC_TYPES: Record<string, { type: MetricType; contains: string }> = {
  vus: { type: 'gauge', contains: 'default' },
  vus_max: { type: 'gauge', contains: 'default' },
  iterations: { type: 'counter', contains: 'default' },
  iteration_duration: { type: 'trend', contains: 'time' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  data_received: { type: 'counter', contains: 'data' },
  data_sent: { type: 'counter', contains: 'data' },
  checks: { type: 'rate', contains: 'default' },
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_failed: { type: 'rate', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_blocked: { type: 'trend', contains: 'time' },
  http_req_connecting: { type: 'trend', contains: 'time' },
  http_req_tls_handshaking: { type: 'trend', contains: 'time' },
  http_req_sending: { type: 'trend', contains: 'time' },
  http_req_waiting: { type: 'trend', contains: 'time' },
  http_req_receiving: { type: 'trend', contains: 'time' },
  // perfplane's k6 scripts count transfers with these counters.
  transfers_completed: { type: 'counter', contains: 'default' },
  transfers_failed: { type: 'counter', contains: 'default' },
};

export function isMetricType(value: unknown): value is MetricType {
  return typeof value === 'string' && (METRIC_TYPES as readonly string[]).includes(value);
}
