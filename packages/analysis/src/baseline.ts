import type { AnalysisResult, Comparison } from './schema.js';

export const DEFAULT_REGRESSION_TOLERANCE_PERCENT = 5;

/** Headline figures compared with a baseline, and which direction is better. */
const HEADLINES: {
  figure: string;
  betterWhen: 'higher' | 'lower';
  read: (result: AnalysisResult) => number | null;
}[] = [
  { figure: 'tps', betterWhen: 'higher', read: (r) => r.figures.window.tps },
  {
    figure: 'requestsPerSecond',
    betterWhen: 'higher',
    read: (r) => r.figures.window.requestsPerSecond,
  },
  { figure: 'latencyP50', betterWhen: 'lower', read: (r) => r.figures.window.latency.p50 },
  { figure: 'latencyP95', betterWhen: 'lower', read: (r) => r.figures.window.latency.p95 },
  { figure: 'latencyP99', betterWhen: 'lower', read: (r) => r.figures.window.latency.p99 },
  { figure: 'errorRate', betterWhen: 'lower', read: (r) => r.figures.window.errorRate },
];

/**
 * Compares steady-state headline figures. A figure regresses when it moved
 * the worse way by more than the tolerance, relative to the baseline; an
 * error rate rising from zero counts as a regression when it exceeds 0.1%.
 */
export function compareWithBaseline(
  current: AnalysisResult,
  baseline: AnalysisResult,
  tolerancePercent = DEFAULT_REGRESSION_TOLERANCE_PERCENT,
): NonNullable<AnalysisResult['baseline']> {
  const comparisons: Comparison[] = HEADLINES.map(({ figure, betterWhen, read }) => {
    const before = read(baseline);
    const after = read(current);
    if (before === null || after === null) {
      return {
        figure,
        baseline: before,
        current: after,
        change: null,
        changePercent: null,
        betterWhen,
        regression: false,
      };
    }
    const change = after - before;
    const changePercent = before !== 0 ? (change / Math.abs(before)) * 100 : null;
    const worse = betterWhen === 'higher' ? -change : change;
    const regression =
      worse > 0 &&
      (changePercent !== null
        ? Math.abs(changePercent) > tolerancePercent
        : figure === 'errorRate'
          ? after > 0.001
          : true);
    return {
      figure,
      baseline: before,
      current: after,
      change,
      changePercent,
      betterWhen,
      regression,
    };
  });
  return {
    generatedAt: baseline.generatedAt,
    tolerancePercent,
    comparisons,
    regression: comparisons.some((comparison) => comparison.regression),
  };
}
