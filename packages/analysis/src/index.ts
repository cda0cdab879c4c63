export { type AnalyseOptions, analyse, resolveTpsSource, type Target } from './analyse.js';
export { compareWithBaseline, DEFAULT_REGRESSION_TOLERANCE_PERCENT } from './baseline.js';
export { renderHtml } from './report/html.js';
export { renderMarkdown } from './report/markdown.js';
export { type WrittenReports, writeReports } from './report/write.js';
export {
  type AnalysisResult,
  analysisResultSchema,
  type Comparison,
  type Figures,
  type Series,
  type ThresholdResult,
} from './schema.js';
export { parseMetricSelector, parseThreshold } from './thresholds.js';
export type { GeneratorHealth, ValidityOptions } from './validity.js';
export type { InputWarning } from './warnings.js';
export type { WindowOptions } from './window.js';
