import { z } from 'zod';

/**
 * The JSON result of an analysis. docs/analysis.md describes each field;
 * `schemaVersion` changes when a field changes meaning or goes away.
 */
const nullableNumber = z.number().nullable();

export const latencySchema = z.object({
  metric: z.string(),
  count: z.number(),
  avg: nullableNumber,
  min: nullableNumber,
  p50: nullableNumber,
  p90: nullableNumber,
  p95: nullableNumber,
  p99: nullableNumber,
  max: nullableNumber,
});

export const figuresSchema = z.object({
  durationSeconds: z.number(),
  requests: z.number(),
  requestsPerSecond: nullableNumber,
  transfers: z.number(),
  /** Completed transfers a second. */
  tps: nullableNumber,
  latency: latencySchema,
  failedRequests: z.number(),
  /** Failed share of requests (or of transfers when a failed-transfer counter exists), 0 to 1. */
  errorRate: nullableNumber,
  errorsByStatus: z.record(z.string(), z.number()),
  errorsByFspiopCode: z.record(z.string(), z.number()),
  droppedIterations: z.number(),
  iterations: z.number(),
  vusMax: nullableNumber,
});

export const seriesSchema = z.object({
  /** Seconds since the run's first second, one entry per second. */
  offsets: z.array(z.number()),
  requests: z.array(z.number()),
  transfers: z.array(z.number()),
  p50: z.array(nullableNumber),
  p90: z.array(nullableNumber),
  p95: z.array(nullableNumber),
  p99: z.array(nullableNumber),
  max: z.array(nullableNumber),
  errors: z.array(z.number()),
  errorsByStatus: z.record(z.string(), z.array(z.number())),
  errorsByFspiopCode: z.record(z.string(), z.array(z.number())),
  vus: z.array(nullableNumber),
  droppedIterations: z.array(z.number()),
});

const breakdownEntrySchema = z.object({
  key: z.string(),
  run: figuresSchema,
  window: figuresSchema,
  series: seriesSchema.nullable(),
});

export const metricSummarySchema = z.object({
  name: z.string(),
  type: z.enum(['counter', 'gauge', 'rate', 'trend']),
  count: z.number(),
  values: z.record(z.string(), z.number()),
  exact: z.boolean(),
});

export const thresholdResultSchema = z.object({
  metric: z.string(),
  expression: z.string(),
  ok: z.boolean(),
  observed: nullableNumber,
  /** `samples` when computed here, `k6` when taken from a summary k6 wrote. */
  evaluatedBy: z.enum(['samples', 'k6']),
  noSamples: z.boolean(),
});

export const checkSchema = z.object({
  name: z.string(),
  target: z.number(),
  observed: nullableNumber,
  ok: z.boolean(),
});

export const comparisonSchema = z.object({
  figure: z.string(),
  baseline: nullableNumber,
  current: nullableNumber,
  change: nullableNumber,
  changePercent: nullableNumber,
  betterWhen: z.enum(['higher', 'lower']),
  regression: z.boolean(),
});

export const warningSchema = z.object({
  file: z.string(),
  kind: z.string(),
  count: z.number(),
  firstLine: z.number().nullable(),
  message: z.string(),
});

export const analysisResultSchema = z.object({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  source: z.enum(['samples', 'summaries']),
  inputs: z.array(
    z.object({
      file: z.string(),
      format: z.enum(['ndjson', 'csv', 'summary-export', 'handle-summary', 'summary-v1']),
      lines: z.number().nullable(),
      bytes: z.number().nullable(),
    }),
  ),
  run: z.object({
    startTime: z.string().nullable(),
    endTime: z.string().nullable(),
    durationSeconds: z.number(),
  }),
  window: z.object({
    startTime: z.string().nullable(),
    endTime: z.string().nullable(),
    durationSeconds: z.number(),
    rule: z.string(),
  }),
  tpsSource: z.object({ metric: z.string(), scenario: z.string().nullable(), rule: z.string() }),
  figures: z.object({ run: figuresSchema, window: figuresSchema }),
  /** Which headline figures are exact; percentiles from histograms are within the stated precision. */
  exactness: z.record(z.string(), z.object({ exact: z.boolean(), note: z.string() })),
  series: seriesSchema.nullable(),
  seriesStart: z.string().nullable(),
  byName: z.array(breakdownEntrySchema),
  byScenario: z.array(breakdownEntrySchema),
  breakdownTag: z.string(),
  metrics: z.array(metricSummarySchema),
  thresholds: z.array(thresholdResultSchema),
  verdict: z.object({
    target: z.object({ tps: z.number(), p95Ms: z.number(), maxErrorRate: z.number() }).nullable(),
    checks: z.array(checkSchema),
    pass: z.boolean().nullable(),
  }),
  validity: z.object({
    valid: z.boolean(),
    reasons: z.array(z.string()),
    droppedIterations: z.number(),
    droppedShare: nullableNumber,
    maxGeneratorCpuPercent: nullableNumber,
  }),
  baseline: z
    .object({
      generatedAt: z.string().nullable(),
      tolerancePercent: z.number(),
      comparisons: z.array(comparisonSchema),
      regression: z.boolean(),
    })
    .nullable(),
  warnings: z.array(warningSchema),
});

export type AnalysisResult = z.infer<typeof analysisResultSchema>;
export type Figures = z.infer<typeof figuresSchema>;
export type Series = z.infer<typeof seriesSchema>;
export type ThresholdResult = z.infer<typeof thresholdResultSchema>;
export type Comparison = z.infer<typeof comparisonSchema>;
export type MetricSummary = z.infer<typeof metricSummarySchema>;
